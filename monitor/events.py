"""Event identity: do two items report the same event, told in different words?

Pure: ``Event`` values (``monitor.event``) in, decisions with their reasons out; no I/O.
``monitor.cluster`` asks ``same_event`` when no near-copy rule joins an entry; the store
files each story under ``event_keys`` so that later reports find it by an indexed lookup.

The rule. Two items report the same event when all of these hold:

1. each reports one event: its headline is not commentary (analysis, interview, explainer,
   round-up, question), does not name unrelated action classes, and its main clause does
   not name two places that cannot be one event's ("fined in Italy and Greece");
2. the same subject (a topic both matched) and the same action class (fine, sue, settle,
   appeal, ruling, respond, resign, appoint, acquire, funding, contract, breach...;
   ``monitor.verbs.ACTIONS``), read in the headline's main clause (not in an "as…",
   "after…", "against…" clause), else in the whole headline unless what follows the main
   clause is background ("…, days after the suit"); never in the lead (an opinion piece's
   first sentence tells the event it comments on);
3. published within ``WINDOW`` (when both have a time), and first seen within it;
4. nothing disagrees (``conflict``): amounts in a currency both name (anywhere in the lead
   for actions about a sum: a fine, a settlement, a round...), percentages, counts and
   places in the headlines, case numbers, places, percentages and bodies of one kind in
   the leads (places where each says what happened not for a company's own act: a CEO
   named, a funding round), roles (a CEO is not a CTO), who brings a case (a class action
   is not an attorney general's suit), what a response, appeal or ruling is about (a fine is not a
   lawsuit), and the actors: a name one headline gives must appear in the other item
   when the other headline gives names ("FTC sues Facewise" is not "FTC sues Veritrace");
5. a specific particular agrees (weight ``THRESHOLD`` or more in ``WEIGHTS``): an amount
   or a case number (3), a regulator, prosecutor or court with its place (2), a
   percentage (2), a state or city (1.5), an actor one headline names and the other item
   names mid-sentence (1.5), what the action is about when it is about something
   (``monitor.verbs.OBJECTS``: the role left or taken, the jobs cut or records exposed (3),
   the company bought or product launched (1.5, a name a headline gives)), or, for a
   response, appeal or ruling, the kind of decision it is about in the same place (1.5).
   Countries, bodies named without a place, other counts, roles and names only add to the
   score that ranks candidate stories. An appeal, ruling or response never joins a report
   that names no action (it carries the particulars of the decision it is about). The act
   itself counts when both report it and they share anything else (a country, a name, a
   role): a company's one-off act, or a regulator's or court's act or an appeal in a
   country both name. Items that name no action class must instead share two figures
   (amounts, counts, percentages, case numbers); when one names an action about a sum or a
   count (a fine, a deal, records exposed), one figure the other's headline gives and it
   says happened (its headline and lede) is enough.

A story is joined only when no entry of it disagrees with the new one (rules 2 and 4); a
wrong merge hides news from the desk, so when in doubt the item alerts on its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from monitor import lexicon as lx
from monitor import verbs as vb
from monitor.amounts import Amount
from monitor.event import EVENT_VERSION, Event, describe_amount, describe_body, describe_place
from monitor.particulars import Particulars, leaf_places, within

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
class EventMatch:
    """Two items report one event: the score and the particulars they share, in words."""

    score: float
    shared: tuple[str, ...]

    def describe(self, a: Event, b: Event) -> str:
        """The rule that held, in words: "same action (fine); shared €27.5m, Netherlands;
        score 6.0"."""
        if a.action and b.action:
            same = a.action if a.action == b.action else f"{a.action}/{b.action}"
            rule = f"same action ({same})"
        else:
            rule = (
                f"action named by one only ({a.action or b.action})"
                if (a.action or b.action)
                else "no action named"
            )
        return f"{rule}; shared {', '.join(self.shared)}; score {self.score:.1f}"


def same_event(
    a: Event,
    b: Event,
    times_a: tuple[datetime | None, datetime | None],
    times_b: tuple[datetime | None, datetime | None],
    *,
    agreed: bool = False,
) -> EventMatch | None:
    """An ``EventMatch`` when ``a`` and ``b`` report one event (the module's rule), else
    None. ``times_*``: (published, first seen), either may be None. ``agreed``: the caller
    found that nothing disagrees (``conflict`` is None), which is then not checked again."""
    found = judge(a, b, times_a, times_b, agreed=agreed)
    return found if isinstance(found, EventMatch) else None


def judge(
    a: Event,
    b: Event,
    times_a: tuple[datetime | None, datetime | None],
    times_b: tuple[datetime | None, datetime | None],
    *,
    agreed: bool = False,
) -> EventMatch | str:
    """``same_event``'s decision: the match, or the rule that keeps them apart in words
    (``agreed``: as for ``same_event``)."""
    if not (a.eligible and b.eligible):
        return "one of them reports no one event (commentary or a round-up)"
    known = (a.action is not None) + (b.action is not None)
    if known == 2 and not compatible(a, b):
        return f"different action ({a.action} vs {b.action})"
    if known == 1 and (a.action or b.action) in vb.ABOUT:
        # an appeal, a ruling or a response carries the particulars of the decision it is
        # about: a report naming no action that shares them may be of that decision
        return f"{a.action or b.action} beside a report naming no action"
    if a.topics and b.topics and not a.topics & b.topics:
        return "different subjects (no topic in common)"
    if not close_in_time(times_a, times_b):
        return f"more than {WINDOW.days} days apart"
    disagree = None if agreed else conflict(a, b)
    if disagree is not None:
        return disagree
    # without both actions, or when one says it reports another one, only what each says
    # happened counts: background ("a week after Mesa's deal") ties nothing
    ledes = known < 2 or a.sequel != b.sequel
    score, shared, specific, pinned = evidence(a, b, ledes=ledes)
    # rule 5: one specific particular when both name the action; two when one does not (in
    # the ledes: background does not count then), or when one says it reports another one
    # of something ("a second lawsuit") and the other does not; when neither names the
    # action, two specific particulars or two figures
    needed = 1 if known == 2 and a.sequel == b.sequel else 2
    if (known == 0 or (known == 2 and a.action != b.action)) and not pinned:
        # without any action, or with two that tell one event from its two sides (a city's
        # contract, a company's acquisition), a setting alone (places, bodies) is not enough;
        # when one names the action, two settings in the ledes are (a state's attorney
        # general suing and the "State of Vermont" saying the company broke its law)
        specific = 0
    alike = _alike_action(a, b)
    if alike is not None and shared:
        # the act told twice counts beside anything else the two share (a country, a name,
        # a body): alone, it is all a misreading needs to join two events
        shared.append(alike)
        specific += 1
    # figures both report: two in the leads when neither names the action; one where each
    # says what happened when one names an action about figures ("Cameras coming to 700
    # Gauteng schools" and "Khuselo awarded … contract … at 700 public schools"), not one
    # about something else ("CTO exits …, fresh from a R$310m raise")
    figures = known == 0 and _numbers_shared(a.lead, b.lead) >= 2
    if known == 1 and _of_figures(a.action or b.action):
        # the figure is what the report naming no act is about: its headline gives it (a
        # call for an inquiry that recalls a breach's count in its text is another event)
        unnamed, named = (a, b) if a.action is None else (b, a)
        figures = _numbers_shared(unnamed.title, named.lede, count_tolerance=0.0) >= 1
    if specific >= needed or figures:
        return EventMatch(round(score, 2), tuple(shared))
    common = f": {', '.join(shared)}" if shared else ""
    return f"too little in common{common} (needs {needed} specific particular(s))"


def _alike_action(a: Event, b: Event) -> str | None:
    """The one-off action both headlines report, in words, when it counts as a specific
    particular: a company's own once-in-a-while act (``verbs.ONE_OFF``: a CEO leaving, a
    listing, a takeover), its executive before lawmakers (``verbs.ONE_OFF_OUT_OF_COURT``),
    or a regulator's or court's act (``verbs.ONE_PER_COUNTRY``: a fine, a probe, a ruling,
    an appeal against one) in the same country, about the same kind of decision when both
    say. Neither may say it reports "another" one."""
    if a.action is None or a.action != b.action or a.sequel or b.sequel:
        return None
    if _one_off(a) and _one_off(b):
        return f"the {a.action}"
    if a.action in vb.ONE_PER_COUNTRY and not _other_decision(a, b):
        shared = _countries(a) & _countries(b)
        if shared:
            return f"the {a.action} in {describe_place(min(shared))}"
    return None


def _one_off(event: Event) -> bool:
    """A company's once-in-a-while act, or its executive before lawmakers (no court)."""
    if event.action in vb.ONE_OFF_OUT_OF_COURT:
        return not _court(event)
    return event.action in vb.ONE_OFF


def _other_decision(a: Event, b: Event) -> bool:
    """Both say what decision they are about, and not the same kind: an appeal of a fine is
    not one of a court's ruling. A ruling no court is named for is a regulator's decision
    (a fine, a ban), as in ``compatible``."""
    x, y = _decisions(a), _decisions(b)
    return bool(x and y and x.isdisjoint(y))


def _decisions(event: Event) -> frozenset[str]:
    # a suit or an appeal named beside the decision ("complaint against the decision",
    # "loses first round in appeal") says where it is contested, not which decision it is
    about = event.about & _DECISIONS
    return about | vb.REGULATOR_DECISIONS if "ruling" in about and not _court(event) else about


_DECISIONS = frozenset({"fine", "ban", "warning", "ruling", "settle"})


def _countries(event: Event) -> set[str]:
    """The countries an item's headline and lede say it happened in (their places, which
    hold the seats of the bodies they name too)."""
    places = (event.title | event.lede).places
    return {_country(code) for code in leaf_places(places) if code not in _REGIONS}


def _country(code: str) -> str:
    parts = code.split("-")
    return "-".join(parts[:2]) if parts[0] in _REGIONS else parts[0]


def close_in_time(
    a: tuple[datetime | None, datetime | None], b: tuple[datetime | None, datetime | None]
) -> bool:
    """Rule 3: published within ``WINDOW`` (when both have a time), and first seen within it."""
    return all(x is None or y is None or abs(x - y) <= WINDOW for x, y in zip(a, b, strict=True))


def conflict(a: Event, b: Event) -> str | None:
    """Why ``a`` and ``b`` cannot be one event (rules 2 and 4), in words; None when nothing
    disagrees. Only eligible events are compared on their action."""
    if a.eligible and b.eligible and a.action and b.action and not compatible(a, b):
        return f"different action ({a.action} vs {b.action})"
    if _strangers(a, b):
        return "different actors"
    return next((f"different {what}" for what, differ in _checks(a, b) if differ), None)


def _checks(a: Event, b: Event) -> Iterator[tuple[str, bool]]:
    """Rule 4's checks in order, each computed only when the ones before it passed (most
    candidates a busy topic brings differ at the first)."""
    yield "amounts", _money_conflict(a.title.money, b.title.money)
    yield (
        "amounts",
        (_money_object(a) or _money_object(b)) and _money_conflict(a.lede.money, b.lede.money),
    )
    yield "percentages", _disjoint(a.title.percents, b.title.percents, _same_number(0.0))
    yield "percentages", _disjoint(a.lead.percents, b.lead.percents, _same_number(0.0))
    yield "counts", _disjoint(a.title.counts, b.title.counts, _same_number(COUNT_TOLERANCE))
    yield "case numbers", _disjoint(a.lead.cases, b.lead.cases, _equal)
    yield "places", _disjoint(_local(a.title.places), _local(b.title.places), _near)
    # a company's own act (a CEO named, a round, a takeover) happens at the company: the
    # places where its reports say it happened are its seat, a dateline or its markets
    own_act = a.action == b.action and a.action in vb.ONE_OFF
    yield "places", not own_act and _disjoint(_local(a.lede.places), _local(b.lede.places), _near)
    yield "places", _another_place(a, b) or _another_place(b, a)
    yield "bodies", _body_conflict(a.title.bodies, b.title.bodies)
    yield "bodies", _body_conflict(a.lead.bodies, b.lead.bodies)
    yield "bodies", _other_actor_body(a, b)
    yield "roles", _disjoint(_held(a.title.roles), _held(b.title.roles), _equal)
    yield "parties", _suits(a, b) and _disjoint(a.title.parties, b.title.parties, _equal)
    yield "parties", _suits(a, b) and _exclusive(a.lead.parties, b.lead.parties)


def _another_place(sequel: Event, other: Event) -> bool:
    """``sequel`` reports another one of something ("second deal, this time in Oklahoma")
    and its headline places it apart from where ``other`` says its one happened."""
    return (
        sequel.sequel
        and not other.sequel
        and _disjoint(_local(sequel.title.places), _local(other.lede.places), _near)
    )


def compatible(a: Event, b: Event) -> bool:
    """The same action class, or two that tell one event from its two sides
    (``verbs.COMPATIBLE``); a "ruling" that names no court is a regulator's decision."""
    if a.action == b.action:
        return True
    if a.action is None or b.action is None:
        return False
    if frozenset({a.action, b.action}) in vb.COMPATIBLE:
        return True
    return any(
        x.action == "ruling" and y.action in vb.REGULATOR_DECISIONS and not _court(x)
        for x, y in ((a, b), (b, a))
    )


def _court(event: Event) -> bool:
    return any(body.startswith("court:") for body in event.lead.bodies)


def evidence(a: Event, b: Event, *, ledes: bool = False) -> Evidence:
    """(score, the shared particulars in words, how many independent specific ones there
    are): rule 5, over the leads (``ledes``: only where each says what happened). Two
    views of one thing count once (an amount and its conversion, a state and its attorney
    general)."""
    x, y = (a.lede, b.lede) if ledes else (a.lead, b.lead)
    obj = vb.OBJECTS.get(a.action or "")
    found: list[tuple[float, str, str]] = []  # (weight, words, what it is evidence of)
    for amount in sorted(x.money):
        if any(_same_sum(amount, other) for other in y.money):
            found.append((WEIGHTS["money"], describe_amount(amount), "money"))
    found += [(WEIGHTS["case"], f"case {c}", f"case {c}") for c in sorted(x.cases & y.cases)]
    found += [(WEIGHTS["percent"], f"{p:g}%", "percent") for p in sorted(x.percents & y.percents)]
    count = WEIGHTS["object" if obj == "counts" else "count"]
    for n in sorted(x.counts):
        if any(_same_number(COUNT_TOLERANCE)(n, c) for c in y.counts):
            found.append((count, f"{n:,.0f}", "count"))
    for body in sorted(x.bodies):
        matching = [other for other in y.bodies if same_body(body, other)]
        if matching:
            kind, _, place = body.partition("@")
            both = _specific(body) and any(_specific(o) for o in matching)
            weight = WEIGHTS["body" if both else "generic_body"]
            found.append((weight, describe_body(body), f"in {place}" if place else kind))
    # a place both name only as background ("a week after Colorado sued") places neither
    told = None if ledes else a.lede.places | b.lede.places
    places = _capped(_shared_places(x.places, y.places, told, (x.filed, y.filed)), MAX_PLACES)
    found += [(w, describe_place(code), f"in {code}") for w, code in places]
    if a.about & b.about and places:  # the same decision, in the same place
        found.append((WEIGHTS["object"] / 2, f"about the {_words(a.about & b.about)}", "about"))
    role = WEIGHTS["object" if obj == "roles" else "role"]
    found += [(role, r.upper() if len(r) <= 4 else r, "role") for r in sorted(x.roles & y.roles)]
    actors = ((a.title.names | a.title.weak) & y.names) | ((b.title.names | b.title.weak) & x.names)
    # two sides of one event (a city's order, a company's takeover) are pinned by an actor
    # only when a headline names it as such, not by any word of a title-case headline
    # ("City of Charleroi Selects Pasvue Sentinelle…": a product the takeover's text names)
    sides = a.action is not None and b.action is not None and a.action != b.action
    weakly = actors - (a.title.names & y.names) - (b.title.names & x.names) if sides else set()
    actors |= a.title.acronyms & (b.title.acronyms | b.lede.spelled)
    actors |= b.title.acronyms & a.lede.spelled  # "AHS signs …", "Alberta Health Services …"
    others = ((x.names & y.names) | (x.weak & y.names) | (x.names & y.weak)) - actors
    # a word of two different names ("Southgate Terminal", "Cebu Pier Terminal") names neither
    apart = {n for n in actors | others if _two_names(n, x, y)}
    actors, others = actors - apart, others - apart
    acts = [e.action for e in (a, b) if e.action is not None]
    if not acts or (len(acts) == 1 and acts[0] not in _DEALS):
        # where neither names an act, or one names one that is no deal, the words of a name
        # either writes in full are one particular ("Julien Marchal", "Visayan Star Lines",
        # "Lekki Atlantic" suspending one thing and withholding another), not one per word;
        # a deal's counterparty named in full ("Pohjolan Kiito") is what pins the deal
        names = actors | others
        again = {
            w
            for full in x.full_names | y.full_names
            for w in [n for n in full.split() if n in names][:-1]
        }
        actors, others = actors - again, others - again
    # what an action is about is named in a headline ("Vistrel … with Kassawijs buy"); a
    # name both texts give only below it (a chief executive quoted) weighs as any name
    headlined = a.title.names | a.title.weak | b.title.names | b.title.weak
    about = {n for n in others if obj == "names" and a.action == b.action and n in headlined}
    weight = WEIGHTS["object_name" if about else "name"]
    named = [(WEIGHTS["object_name" if n in about else "name"], n) for n in sorted(others)]
    found += [(WEIGHTS["actor"], n, f"{'weak ' * (n in weakly)}name {n}") for n in sorted(actors)]
    found += [(w, n, f"name {n}") for w, n in _capped(named, 2 * weight)]
    specific = {what for w, _, what in found if w >= THRESHOLD}
    # the sum both say happened, agreeing to the unit, is as telling as two particulars;
    # not when one says what happened is not about a sum ("CTO exits ... fresh from a
    # R$310m raise": the raise is background to a departure)
    reported = all(e.action in (None, *vb.MONEY_OBJECTS) for e in (a, b)) and any(
        _same_sum(m, n) for m in a.lede.money for n in b.lede.money
    )
    pinned = any(what.startswith(_PINNING) for what in specific)
    return Evidence(
        sum(w for w, _, _ in found), [t for _, t, _ in found], len(specific) + reported, pinned
    )


def _two_names(word: str, x: Particulars, y: Particulars) -> bool:
    """``word`` is part of a name each text writes in full, and the rest of those names
    differ: a word two names share, not one name ("Southgate Terminal" and "Cebu Pier
    Terminal"; not "Ouano" and "Ramon Ouano")."""
    mine, theirs = _beside(word, x.full_names), _beside(word, y.full_names)
    return bool(mine and theirs) and mine.isdisjoint(theirs)


def _beside(word: str, full_names: frozenset[str]) -> set[str]:
    return {w for name in full_names if word in name.split() for w in name.split()} - {word}


# acts with a counterparty, which names the deal ("Ngwedi Coal picks Tendaro")
_DEALS = frozenset({"contract", "acquire", "settle", "funding"})


class Evidence(NamedTuple):
    """What two items share: the score, the particulars in words, how many independent
    specific ones, and whether one of those pins an event down (a figure, a named actor)
    rather than describes its setting (a place, a body, a role)."""

    score: float
    shared: list[str]
    specific: int
    pinned: bool


# particulars that pin an event down rather than describe its setting
_PINNING = ("money", "count", "percent", "case ", "name ")


def _words(classes: frozenset[str]) -> str:
    return "/".join(sorted(classes))


def _numbers_shared(
    x: Particulars, y: Particulars, count_tolerance: float = COUNT_TOLERANCE
) -> int:
    """How many amounts, counts, percentages and case numbers ``x`` and ``y`` share."""
    same_count = _same_number(count_tolerance)
    shared = sum(any(_same_sum(m, n) for n in y.money) for m in x.money)
    shared += sum(any(same_count(m, n) for n in y.counts) for m in x.counts)
    return shared + len(x.percents & y.percents) + len(x.cases & y.cases)


def _of_figures(action: str | None) -> bool:
    """An action about a sum or a count: a fine, a deal, records exposed, jobs cut."""
    return action in vb.MONEY_OBJECTS or vb.OBJECTS.get(action or "") == "counts"


def event_keys(event: Event) -> tuple[str, ...]:
    """Keys under which a story is filed and found for this event: each particular that
    can make a join (rule 5's specific ones: amounts, case numbers, percentages, placed
    bodies, places within a country, names, roles, what a decision is about where; and
    every figure), whatever the action, so that two reports ``same_event`` can join always
    share one. Particulars that most items share (a country, a court named without its
    seat) are no key: they would make every story a candidate. Keys are per topic (an
    event joins only a story of a topic it matched), so busy topics never crowd others."""
    if not event.eligible:
        return ()
    p = event.lead
    parts = [f"m:{cur}:{k}" for cur, value in p.money for k in _coarse(value, MONEY_TOLERANCE)]
    dollars = [value for cur, value in p.money if cur in lx.DOLLARS]
    parts += [f"m:$:{k}" for value in dollars for k in _coarse(value, MONEY_TOLERANCE)]
    parts += [f"c:{c}" for c in p.cases] + [f"p:{v:g}" for v in p.percents]
    parts += [f"n:{k}" for v in p.counts for k in _coarse(v, COUNT_TOLERANCE)]
    for body in p.bodies:
        kind, _, place = body.partition("@")
        if _specific(body):
            seats = (_with_containers([place]) or {place}) if place else {""}
            parts += [f"b:{kind}@{seat}" for seat in seats]
    places = _with_containers(p.places)
    parts += [f"l:{code}" for code in places if _place_weight(code) >= THRESHOLD]
    parts += [f"o:{about}@{code}" for about in event.about for code in places]
    parts += [f"r:{r}" for r in p.roles]
    parts += [f"a:{n}" for n in p.names | event.title.weak | event.title.acronyms]  # actors
    parts += [f"a:{n}" for n in event.lede.spelled]  # a name written out, abbreviated
    if _one_off(event) and not event.sequel:
        parts.append(f"x:{event.action}")
    elif event.action in vb.ONE_PER_COUNTRY and not event.sequel:
        parts += [f"x:{event.action}@{country}" for country in _countries(event)]
    topics = sorted(event.topics) or [""]
    return tuple(_key(f"{topic}|{part}") for topic in topics for part in sorted(set(parts)))


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
    """Close enough not to disagree: a conversion into dollars differs by outlet."""
    return x[0] == y[0] and _same_number(MONEY_TOLERANCE)(x[1], y[1])


def _same_sum(x: Amount, y: Amount) -> bool:
    """One sum written to two precisions, as evidence: each rounds to the other ("$33.7m"
    and "$33.66m", "$1.2m" and "$1.15m"); "$6.4m" and "$6.5m" are two sums."""
    if not _one_currency(x[0], y[0]):
        return False
    step = max(_precision(x[1]), _precision(y[1]))
    return abs(x[1] - y[1]) <= step / 2 + 1e-6


def _one_currency(x: str, y: str) -> bool:
    """The same currency, or dollars where one is written bare ("$", read as US dollars):
    a Toronto paper's "$58 million" is the press release's "C$58 million"."""
    return x == y or ("USD" in (x, y) and {x, y} <= lx.DOLLARS)


def _precision(value: float) -> float:
    """The unit of the last digit a sum was written with: 6,400,000 → 100,000."""
    cents = round(value * 100)
    step = 1
    while step < 10**11 and cents % (step * 10) == 0 and cents:
        step *= 10
    return step / 100


def _disjoint(xs: Iterable[Any], ys: Iterable[Any], same: Any) -> bool:
    """Both name something, and nothing one names agrees with anything the other names."""
    xs, ys = list(xs), list(ys)
    return bool(xs and ys) and not any(same(x, y) for x in xs for y in ys)


def _held(roles: frozenset[str]) -> frozenset[str]:
    return roles - lx.SHARED_ROLES


def _money_object(a: Event) -> bool:
    return a.action in vb.MONEY_OBJECTS


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


def _other_actor_body(a: Event, b: Event) -> bool:
    """Both report an act a body does (a probe, a fine, an order, a warning) and name, where
    each says what happened, bodies of no kind in common: a data protection authority's
    inquiry is not the prosecutors' one into the same contract."""
    if a.action != b.action or a.action not in vb.BODY_ACTS:
        return False
    mine, theirs = _acting_kinds(a.lede.bodies), _acting_kinds(b.lede.bodies)
    return bool(mine and theirs and not mine & theirs)


def _acting_kinds(bodies: frozenset[str]) -> set[str]:
    """The kinds of the bodies that may act (not courts, which hear what others bring)."""
    kinds = {body.partition("@")[0] for body in bodies}
    return {kind for kind in kinds if not kind.startswith("court:")}


def _local(places: Iterable[str]) -> set[str]:
    """The leaf places that can tell two events apart: not a region such as "EU" ("sales
    in Europe" is context, not where something happened)."""
    return {p for p in leaf_places(places) if p not in _REGIONS}


_REGIONS = frozenset({"EU"})


def _specific(body: str) -> bool:
    return "@" in body or body in {"ftc", "sec", "doj", "cfpb", "fcc", "dhs", "ice", "edpb"}


def _shared_places(
    xs: frozenset[str],
    ys: frozenset[str],
    told: frozenset[str] | None = None,
    filed: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset()),
) -> list[tuple[float, str]]:
    """Each place both name (the less specific of two that contain one another); with
    ``told``, only those near one of its places (where either says it happened). Not one
    both name only in their datelines (``filed``): two stories filed from one bureau
    ("MANILA, Oct 10 (Wire) -") may be of events in two cities."""
    shared = {
        (x if within(y, x) else y)
        for x in leaf_places(xs)
        for y in leaf_places(ys)
        if _near(x, y) and not (x in filed[0] and y in filed[1])
    }
    if told is not None:
        shared = {p for p in shared if any(_near(p, t) for t in told)}
    return sorted(((_place_weight(p), p) for p in shared), reverse=True)


def _place_weight(code: str) -> float:
    """A region's, a country's (EU members are "EU-XX") or a place within a country's."""
    if code in _REGIONS:
        return WEIGHTS["region"]
    parts = code.split("-")
    depth = len(parts) - (parts[0] in _REGIONS)
    return WEIGHTS["subnational" if depth >= 2 else "country"]


def _with_containers(places: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for code in places:
        parts = code.split("-")
        found.update("-".join(parts[: i + 1]) for i in range(len(parts)))
    return found - _REGIONS


def _capped(found: Sequence[tuple[float, str]], cap: float) -> list[tuple[float, str]]:
    """The first of ``found`` whose weights add up to ``cap``, the last one cut to fit."""
    out, total = [], 0.0
    for weight, text in found:
        if total >= cap:
            break
        out.append((min(weight, cap - total), text))
        total += weight
    return out


def _coarse(value: float, tolerance: float) -> set[str]:
    """``value`` to two significant digits, and its neighbours within ``tolerance``: two
    values ``same_event`` counts as one share at least one."""
    return {f"{v:.1e}" for v in (value * (1 - tolerance), value, value * (1 + tolerance))}


def _key(text: str) -> str:
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12)
    return f"{EVENT_VERSION}e:{digest.hexdigest()}"
