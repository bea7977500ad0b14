"""Event identity: do two items report the same event, told in different words?

Pure: ``Event`` values (read by ``monitor.particulars``) in, decisions with their reasons
out; no I/O. ``monitor.cluster`` asks ``same_event`` when no near-copy rule joins an entry;
the store files each story under ``event_keys`` so later reports find it by an indexed
lookup.

The rule. Two items report the same event when all of these hold:

1. both report one event: the headline names an action class (fine, sue, settle, appeal,
   ruling, resign, acquire...; ``monitor.lexicon.ACTIONS``), is not commentary (analysis,
   interview, explainer, round-up, question) and does not name scattered places;
2. the same action class, about the same subject (they matched a topic in common) and the
   same actors: a name in one headline is named somewhere in the other's headline or lead
   (when both headlines name any), so "FTC sues Facewise" is not "FTC sues Veritrace";
3. within ``WINDOW`` of each other, by published time (when both have one) and by the time
   each was first seen;
4. no particular disagrees: where both headlines name amounts, percentages, counts, case
   numbers, places, bodies or roles, at least one must agree; the same for amounts,
   percentages, case numbers, places and bodies of one kind in headline and lead together
   (a fine of €20m is not a fine of €30.5m; Vermont's suit is not Texas's);
5. a specific particular agrees: one of weight ``THRESHOLD`` (1.5) or more in ``WEIGHTS``
   — an amount or a case number (3), a regulator, prosecutor or court with its place (2),
   a percentage (2), a state, region or city (1.5), or what the action is about when it is
   about something (``monitor.lexicon.OBJECTS``: the role someone resigns from, the jobs
   cut or records exposed (3), the company bought or product launched (1.5 a name)). A
   country, a court named without its place, a count, a role and names only add to the
   score, which ranks candidate stories.

A story is joined only when no entry of it disagrees with the new one (rules 2 and 4); a
wrong merge hides news from the desk, so when in doubt the item alerts on its own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from monitor import lexicon as lx
from monitor.particulars import Amount, Particulars, Reading, leaf_places, read_item, within

EVENT_VERSION = 1
WINDOW = timedelta(days=3)
THRESHOLD = 1.5
MONEY_TOLERANCE = 0.02  # outlets round: $33.7m and $33.66m are one amount
COUNT_TOLERANCE = 0.05
WEIGHTS = {
    "money": 3.0,
    "case": 3.0,
    "percent": 2.0,
    "count": 1.0,
    "body": 2.0,
    "generic_body": 1.0,
    "subnational": 1.5,
    "country": 1.0,
    "region": 0.5,
    "role": 1.0,
    "object": 3.0,  # the role, count of an action that is about one (lexicon.OBJECTS)
    "object_name": 1.5,  # a name an action is about (the company bought, product launched)
    "name": 1.0,
    "actor": 1.5,  # named in one's headline, and mid-sentence in the other: the same actor
}
MAX_PLACES = 2.0


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

    @property
    def eligible(self) -> bool:
        """True when the item reports one event (rule 1; without an action class, it may
        still report one in numbers: see ``same_event``)."""
        return not self.commentary and not self.multi


@dataclass(frozen=True)
class EventMatch:
    """Two items report one event: the score and the particulars they share, in words."""

    score: float
    shared: tuple[str, ...]

    def describe(self, action: str) -> str:
        return f"{action}; shared {', '.join(self.shared)}; score {self.score:.1f}"


def event_of(
    title: str, summary: str, ignore: Iterable[str] = (), topics: Iterable[str] = ()
) -> Event:
    """The event an item reports. ``ignore``: the topic terms it matched and its publisher
    (shared by many items, so never evidence); ``topics``: the topics it matched."""
    r: Reading = read_item(title, summary, ignore)
    return Event(r.action, r.commentary, r.multi, r.title, r.lead, frozenset(topics), r.about)


def same_event(
    a: Event,
    b: Event,
    times_a: tuple[datetime | None, datetime | None],
    times_b: tuple[datetime | None, datetime | None],
) -> EventMatch | None:
    """An ``EventMatch`` when ``a`` and ``b`` report one event (the module's rule), else
    None. ``times_*``: (published, first seen), either may be None."""
    if not (a.eligible and b.eligible) or a.action != b.action:
        return None
    if a.action is None and _numbers_shared(a, b) < 2:
        return None  # no action named: two figures must agree (rule 5)
    if a.topics and b.topics and not a.topics & b.topics:
        return None
    if not close_in_time(times_a, times_b) or conflict(a, b) is not None:
        return None
    score, shared, anchored = evidence(a, b)
    if not anchored and a.action is not None:
        return None
    return EventMatch(round(score, 2), tuple(shared))


def close_in_time(
    a: tuple[datetime | None, datetime | None], b: tuple[datetime | None, datetime | None]
) -> bool:
    """Rule 3: published within ``WINDOW`` (when both have a time), and first seen within it."""
    return all(x is None or y is None or abs(x - y) <= WINDOW for x, y in zip(a, b, strict=True))


def conflict(a: Event, b: Event) -> str | None:
    """Why ``a`` and ``b`` cannot be one event (rules 2 and 4), in words; None when nothing
    disagrees. Only eligible events are compared on their action."""
    if a.eligible and b.eligible and a.action and b.action and a.action != b.action:
        return f"different action ({a.action} vs {b.action})"
    if _strangers(a, b):
        return "different actors"
    if a.about and b.about and not a.about & b.about:
        return f"about different things ({_words(a.about)} vs {_words(b.about)})"
    checks = (
        ("amounts", _money_conflict(a.title.money, b.title.money)),
        ("amounts", _money_object(a) and _money_conflict(a.lead.money, b.lead.money)),
        ("percentages", _disjoint(a.title.percents, b.title.percents, _same_number(0.0))),
        ("percentages", _disjoint(a.lead.percents, b.lead.percents, _same_number(0.0))),
        ("counts", _disjoint(a.title.counts, b.title.counts, _same_number(COUNT_TOLERANCE))),
        ("case numbers", _disjoint(a.lead.cases, b.lead.cases, _equal)),
        ("places", _disjoint(_local(a.title.places), _local(b.title.places), _near)),
        ("places", _disjoint(_local(a.lead.places), _local(b.lead.places), _near)),
        ("bodies", _disjoint(a.title.bodies, b.title.bodies, same_body)),
        ("bodies", _body_conflict(a.lead.bodies, b.lead.bodies)),
        ("roles", _disjoint(_held(a.title.roles), _held(b.title.roles), _equal)),
        ("parties", _suits(a, b) and _disjoint(a.title.parties, b.title.parties, _equal)),
        ("parties", _suits(a, b) and _exclusive(a.lead.parties, b.lead.parties)),
    )
    for what, disagrees in checks:
        if disagrees:
            return f"different {what}"
    return None


def evidence(a: Event, b: Event) -> tuple[float, list[str], bool]:
    """(score, the shared particulars in words, whether a specific one is among them):
    rule 5."""
    x, y, obj = a.lead, b.lead, lx.OBJECTS.get(a.action or "")
    found: list[tuple[float, str]] = []
    for amount in x.money:
        if any(_same_amount(amount, other) for other in y.money):
            found.append((WEIGHTS["money"], describe_amount(amount)))
    found += [(WEIGHTS["case"], f"case {c}") for c in sorted(x.cases & y.cases)]
    found += [(WEIGHTS["percent"], f"{p:g}%") for p in sorted(x.percents & y.percents)]
    count = WEIGHTS["object" if obj == "counts" else "count"]
    for n in sorted(x.counts):
        if any(_same_number(COUNT_TOLERANCE)(n, c) for c in y.counts):
            found.append((count, f"{n:,.0f}"))
    for body in sorted(x.bodies):
        if any(same_body(body, other) for other in y.bodies):
            weight = WEIGHTS["body" if _specific(body) else "generic_body"]
            found.append((weight, describe_body(body)))
    places = _capped(_shared_places(x.places, y.places), MAX_PLACES)
    found += places
    if a.about & b.about and places:  # the same decision, in the same place
        found.append((WEIGHTS["object"] / 2, f"about the {_words(a.about & b.about)}"))
    role = WEIGHTS["object" if obj == "roles" else "role"]
    found += [(role, r.upper() if len(r) <= 4 else r) for r in sorted(x.roles & y.roles)]
    actors = ((a.title.names | a.title.weak) & y.names) | ((b.title.names | b.title.weak) & x.names)
    others = ((x.names & y.names) | (x.weak & y.names) | (x.names & y.weak)) - actors
    weight = WEIGHTS["object_name" if obj == "names" else "name"]
    named = [(WEIGHTS["actor"], n) for n in sorted(actors)]
    named += _capped([(weight, n) for n in sorted(others)], 2 * weight)
    specific = [w for w, _ in found] + [w for w, _ in named if w > WEIGHTS["name"]]
    found += named
    return (
        sum(w for w, _ in found),
        [text for _, text in found],
        max(specific, default=0) >= THRESHOLD,
    )


def _words(classes: frozenset[str]) -> str:
    return "/".join(sorted(classes))


def _numbers_shared(a: Event, b: Event) -> int:
    """How many amounts, counts, percentages and case numbers ``a`` and ``b`` share."""
    x, y = a.lead, b.lead
    shared = sum(any(_same_amount(m, n) for n in y.money) for m in x.money)
    shared += sum(any(_same_number(COUNT_TOLERANCE)(m, n) for n in y.counts) for m in x.counts)
    return shared + len(x.percents & y.percents) + len(x.cases & y.cases)


def event_keys(event: Event) -> tuple[str, ...]:
    """Keys under which a story is filed and found for this event: the action with each
    particular that ``evidence`` can count besides names (places with the places that
    contain them), so that two reports ``same_event`` can join always share one."""
    if not event.eligible:
        return ()
    p, action = event.lead, event.action or "none"
    parts = [f"m:{cur}:{_coarse(value)}" for cur, value in p.money]
    parts += [f"c:{c}" for c in p.cases] + [f"p:{v:g}" for v in p.percents]
    parts += [f"n:{_coarse(v)}" for v in p.counts]
    parts += [f"b:{b.split('@')[0]}" for b in p.bodies]  # same_body matches within a kind
    parts += [f"l:{code}" for code in _with_containers(p.places)]
    parts += [f"r:{r}" for r in p.roles]
    parts += [f"a:{n}" for n in p.names | event.title.weak]  # actors named (see evidence)
    return tuple(_key(f"{action}|{part}") for part in sorted(set(parts)))


# --- comparisons -----------------------------------------------------------------------------


def _equal(x: Any, y: Any) -> bool:
    return bool(x == y)


def _near(x: str, y: str) -> bool:
    return within(x, y) or within(y, x)


def _same_number(tolerance: float) -> Any:
    def same(x: float, y: float) -> bool:
        return abs(x - y) <= tolerance * max(abs(x), abs(y)) + 1e-9

    return same


def _same_amount(x: Amount, y: Amount) -> bool:
    return x[0] == y[0] and _same_number(MONEY_TOLERANCE)(x[1], y[1])


def _disjoint(xs: Iterable[Any], ys: Iterable[Any], same: Any) -> bool:
    """Both name something, and nothing one names agrees with anything the other names."""
    xs, ys = list(xs), list(ys)
    return bool(xs and ys) and not any(same(x, y) for x in xs for y in ys)


def _held(roles: frozenset[str]) -> frozenset[str]:
    return roles - lx.SHARED_ROLES


def _money_object(a: Event) -> bool:
    return a.action in lx.MONEY_OBJECTS


def _suits(a: Event, b: Event) -> bool:
    """Both report a case being brought: who brings it tells two apart."""
    return a.action == b.action == "sue"


def _exclusive(xs: frozenset[str], ys: frozenset[str]) -> bool:
    return len(xs) == len(ys) == 1 and xs != ys


def _strangers(a: Event, b: Event) -> bool:
    """Both headlines name someone, and neither names anyone the other item names."""
    x, y = a.title.names, b.title.names
    return bool(x and y) and not (x & b.lead.names or y & a.lead.names)


def _money_conflict(xs: frozenset[Amount], ys: frozenset[Amount]) -> bool:
    """Amounts in a currency both name, none of them agreeing (other currencies may be a
    conversion: "€30.5m" and "$33.7m" do not disagree)."""
    for currency in {c for c, _ in xs} & {c for c, _ in ys}:
        mine = [a for a in xs if a[0] == currency]
        if _disjoint(mine, [a for a in ys if a[0] == currency], _same_amount):
            return True
    return False


def same_body(x: str, y: str) -> bool:
    """One kind, and places that agree when both say one ("dpa" is any data protection
    authority; "dpa@EU-IT" is not "dpa@EU-GR")."""
    kind_x, _, place_x = x.partition("@")
    kind_y, _, place_y = y.partition("@")
    return kind_x == kind_y and (not place_x or not place_y or _near(place_x, place_y))


def _body_conflict(xs: frozenset[str], ys: frozenset[str]) -> bool:
    """Bodies of one kind in both whose places never agree (two regulators, two states'
    attorneys general)."""
    kinds = {b.partition("@")[0] for b in xs} & {b.partition("@")[0] for b in ys}
    for kind in kinds:
        mine = [b for b in xs if b.partition("@")[0] == kind]
        if _disjoint(mine, [b for b in ys if b.partition("@")[0] == kind], same_body):
            return True
    return False


def _local(places: Iterable[str]) -> set[str]:
    """The leaf places that can tell two events apart: not a region such as "EU" ("sales
    in Europe" is context, not where something happened)."""
    return {p for p in leaf_places(places) if p not in _REGIONS}


_REGIONS = frozenset({"EU"})


def _specific(body: str) -> bool:
    return "@" in body or body in {"ftc", "sec", "doj", "cfpb", "fcc", "dhs", "ice", "edpb"}


def _shared_places(xs: frozenset[str], ys: frozenset[str]) -> list[tuple[float, str]]:
    """Each place both name (the less specific of two that contain one another)."""
    shared = {
        (x if within(y, x) else y) for x in leaf_places(xs) for y in leaf_places(ys) if _near(x, y)
    }
    return sorted(((_place_weight(p), describe_place(p)) for p in shared), reverse=True)


def _place_weight(code: str) -> float:
    if code in _REGIONS:
        return WEIGHTS["region"]
    if code.startswith("US-") or code.count("-") >= 2:
        return WEIGHTS["subnational"]
    return WEIGHTS["country"]


def _with_containers(places: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for code in places:
        parts = code.split("-")
        found.update("-".join(parts[: i + 1]) for i in range(len(parts)))
    return found - _REGIONS


def _capped(found: Sequence[tuple[float, str]], cap: float) -> list[tuple[float, str]]:
    out, total = [], 0.0
    for weight, text in found:
        if total >= cap:
            break
        out.append((min(weight, cap - total), text))
        total += weight
    return out


def _coarse(value: float) -> str:
    """Two significant digits: a lookup key that outlets' roundings share."""
    return f"{value:.1e}"


def _key(text: str) -> str:
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12)
    return f"{EVENT_VERSION}e:{digest.hexdigest()}"


# --- words -----------------------------------------------------------------------------------

_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
_PLACE_NAMES = {
    **{code: names[0] for code, names in lx.COUNTRIES.items()},
    **{f"US-{code}": names[0] for code, names in lx.US_STATES.items()},
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
    return Event(data["a"], data["c"], data["m"], title, lead, topics, about)


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
