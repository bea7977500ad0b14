"""Each host's share of the polls the service keeps going.

A host answers ``per_host`` requests at a time; a poll of it beyond those waits for its
turn. The service claims due sources in due order as room frees, so without a share per
host the backlog of one host (hundreds of search feeds on one news site, or a site that
answers slowly) takes all the room, and a court feed on another host, due after them, waits
until that backlog drains. ``HostShare`` counts the polls going per host and lets a host
have at once twice as many as it finished since the previous claim (enough to keep it busy
until the next one), at least ``floor`` and at most ``ceiling``, so the other hosts always
keep room. Counting happens on the event loop; ``quota`` hands the claim, which runs in the
store's thread, a frozen copy. Contains no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from monitor.errors import FetchError
from monitor.fetch import checked_host

# polls a host may have going per connection it may use (``per_host``) when it has finished
# none lately: one in flight on each, the rest waiting their turn
POLLS_PER_CONNECTION = 8


def host_of(url: str) -> str:
    """The host whose connections a fetch of ``url`` waits for (``Fetcher``'s key)."""
    try:
        return checked_host(url)
    except FetchError:  # the URL fails at its fetch; here it is a host of its own
        return url


@dataclass(frozen=True)
class Quota:
    """How many more polls each host may take, as of one claim."""

    hosts: Mapping[str, str]  # source name → host
    room: Mapping[str, int]  # host → polls it may add (hosts not listed: ``fresh``)
    fresh: int

    def open_names(self) -> list[str]:
        """The sources whose host has room (those of a full host are not read at all)."""
        return [name for name, host in self.hosts.items() if self.room.get(host, self.fresh) > 0]

    def pick(self, candidates: Sequence[tuple[int, str]]) -> list[int]:
        """The ids of ``candidates`` (id, source name, in due order) to lease: each in turn,
        while its host has room."""
        left: Counter[str] = Counter()
        chosen = []
        for id_, name in candidates:
            host = self.hosts.get(name, name)
            if left[host] < self.room.get(host, self.fresh):
                left[host] += 1
                chosen.append(id_)
        return chosen


class HostShare:
    """The polls going per host, and each host's room at the next claim."""

    def __init__(self, sources: Iterable[tuple[str, str]], *, floor: int, ceiling: int) -> None:
        self._hosts = {name: host_of(url) for name, url in sources}
        self.floor = min(floor, ceiling)
        self.ceiling = ceiling
        self._going: Counter[str] = Counter()
        self._finished: Counter[str] = Counter()  # since the last quota

    def started(self, name: str) -> None:
        self._going[self._hosts.get(name, name)] += 1

    def finished(self, name: str) -> None:
        host = self._hosts.get(name, name)
        self._going[host] -= 1
        if self._going[host] <= 0:
            del self._going[host]
        self._finished[host] += 1

    def quota(self) -> Quota:
        """Each busy host's room now (a host with nothing going has ``floor``), and start
        counting the polls finished anew."""
        room = {}
        for host in self._going.keys() | self._finished.keys():
            share = min(self.ceiling, max(self.floor, 2 * self._finished[host]))
            room[host] = max(0, share - self._going[host])
        self._finished.clear()
        return Quota(self._hosts, room, self.floor)
