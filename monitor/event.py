"""What an item reports, as far as event identity goes: ``Event`` values, how an item is
read into one, stored (JSON with its entry) and described in words.

Contains no business logic: ``monitor.events`` decides when two events are one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from monitor import lexicon as lx
from monitor.amounts import Amount
from monitor.particulars import Particulars, Reading, read_item

EVENT_VERSION = 1


@dataclass(frozen=True)
class Event:
    """What an item reports, as far as event identity goes (see ``monitor.particulars``)."""

    action: str | None
    commentary: bool
    multi: bool
    title: Particulars
    lead: Particulars
    topics: frozenset[str] = frozenset()  # the topics the item matched: its subject
    about: frozenset[str] = frozenset()  # what a response, appeal or ruling is about
    lede: Particulars = field(default_factory=Particulars)  # see ``Reading.lede``
    sequel: bool = False  # "another fine": not the one it alludes to

    @property
    def eligible(self) -> bool:
        """True when the item reports one event (rule 1; without an action class, it may
        still report one in numbers: see ``same_event``)."""
        return not self.commentary and not self.multi


def event_of(
    title: str, summary: str, ignore: Iterable[str] = (), topics: Iterable[str] = ()
) -> Event:
    """The event an item reports. ``ignore``: the topic terms it matched and its publisher
    (shared by many items, so never evidence); ``topics``: the topics it matched."""
    r: Reading = read_item(title, summary, ignore)
    topic_set = frozenset(topics)
    return Event(
        r.action, r.commentary, r.multi, r.title, r.lead, topic_set, r.about, r.lede, r.sequel
    )


# --- words -----------------------------------------------------------------------------------

_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
_PLACE_NAMES = {
    **{code: names[0] for code, names in lx.COUNTRIES.items()},
    **{f"US-{code}": names[0] for code, names in lx.US_STATES.items()},
    **{f"{c}-{code}": n[0] for c, p in lx.PROVINCES.items() for code, n in p.items()},
}


def describe_amount(amount: Amount) -> str:
    currency, value = amount
    sign = _SIGNS.get(currency, currency + " ")
    for div, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if value >= div:
            return f"{sign}{value / div:g}{suffix}"
    return f"{sign}{value:g}"


def describe_place(code: str) -> str:
    if code.count("-") >= 2:  # a city
        return code.split("-", 2)[2].replace("_", " ").title()
    name = _PLACE_NAMES.get(code, code)
    return name if name.isupper() or "." in name else name.title()


def describe_body(body: str) -> str:
    kind, _, place = body.partition("@")
    names = {"dpa": "data protection authority", "ag": "attorney general"}
    text = names.get(kind, kind.replace("court:", "court (") + (")" if "court:" in kind else ""))
    return f"{describe_place(place)} {text}" if place else text


# --- storage ---------------------------------------------------------------------------------


def to_json(event: Event) -> str:
    """The event as stored with its entry (``from_json`` reads it back)."""
    return json.dumps(
        {
            "v": EVENT_VERSION,
            "a": event.action,
            "c": event.commentary,
            "m": event.multi,
            "t": _particulars_json(event.title),
            "l": _particulars_json(event.lead),
            "s": sorted(event.topics),
            "o": sorted(event.about),
            "d": _particulars_json(event.lede),
            "q": event.sequel,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


def from_json(text: str | None) -> Event | None:
    """A stored event; None when absent or written by another version of the rule."""
    if not text:
        return None
    data = json.loads(text)
    if data.get("v") != EVENT_VERSION:
        return None
    title, lead = _read_particulars(data["t"]), _read_particulars(data["l"])
    topics, about = frozenset(data.get("s", ())), frozenset(data.get("o", ()))
    lede = _read_particulars(data.get("d", {}))
    sequel = bool(data.get("q", False))
    return Event(data["a"], data["c"], data["m"], title, lead, topics, about, lede, sequel)


def _particulars_json(p: Particulars) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for name in Particulars.__dataclass_fields__:
        values = getattr(p, name)
        if values:
            out[name] = sorted(list(v) if isinstance(v, tuple) else v for v in values)
    return out


def _read_particulars(data: dict[str, list[Any]]) -> Particulars:
    values: dict[str, frozenset[Any]] = {}
    for name, items in data.items():
        values[name] = frozenset(tuple(i) if isinstance(i, list) else i for i in items)
    return Particulars(**values)
