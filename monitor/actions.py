"""What a headline says happened: its action class, its main clause, whether it comments.

Pure: folded text in (``monitor.particulars.fold``), action classes of
``monitor.lexicon.ACTIONS`` out, in precedence order. Each class is one regular
expression; a class is only searched when the text holds one of the literal words every
match of it starts with (read from the expressions themselves), so a headline costs a few
searches rather than one per class. Contains no business logic: ``monitor.events`` decides
what a shared or differing class means.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from monitor import verbs as vb

_SUBORDINATE = re.compile(
    r";|\s(?:joins|follows?|as(?! (?:the |its |a |an |his |her )?(?:new |interim |acting |co-|"
    r"former )?(?:ceo|chief|president|chair|head|cto|cfo|coo|director|founder|general counsel|"
    r"board))|amid|after|while|despite|following|ahead of|before|since|because|against|"
    r"even as|but|so|that|(?:a |one )?(?:days?|weeks?|months?) after|(?:for|over|by) \w+ing|"
    r"in (?:the )?wake of|on the heels of|pending)\s",
    re.IGNORECASE,
)
_COMMENTARY = re.compile("|".join(f"(?:{p})" for p in vb.COMMENTARY))


def main_clause(title: str) -> tuple[int, int]:
    """The span of the headline's main clause: without a leading "After ICO fine," and up
    to its first subordinate clause (or ";"): "CEO resigns as company eyes contracts"
    reports a resignation; the contracts are context. "Resigns as CEO" is not cut."""
    lead = _LEADING.match(title)
    start = lead.end() if lead is not None else 0
    m = _SUBORDINATE.search(title, start)
    return start, (m.start() if m and m.start() > start else len(title))


def background_follows(title: str, end: int) -> bool:
    """True when the headline goes on at ``end`` (its main clause's end) with what happened
    before or around it ("…, days after AG's suit was filed"), not with what it is about."""
    return _BACKGROUND.match(title, end) is not None


_BACKGROUND = re.compile(
    r"[,;]?\s*(?:(?:a |one )?(?:days?|weeks?|months?) after|after|following|amid|despite|since|"
    r"in (?:the )?wake of|on the heels of|even as|while|pending)\s",
    re.IGNORECASE,
)

_LEADING = re.compile(
    r"^(?:after|following|amid|despite|as|with|fresh from|"
    r"(?:a |one |two |three |several )?(?:days?|weeks?|months?) after|"
    r"in (?:the )?wake of|on the heels of)\b[^,]*,\s*",
    re.IGNORECASE,
)


def is_commentary(folded_title: str) -> bool:
    """True for a headline that comments, explains, asks or collects (``lexicon.COMMENTARY``)."""
    return _COMMENTARY.search(folded_title) is not None


def action_classes(folded: str) -> list[str]:
    """The action classes ``folded`` text names, in precedence order."""
    return [c.name for c in _candidates(folded) if c.pattern.search(folded)]


def headline_classes(head: str, main: tuple[int, int]) -> tuple[list[str], list[str]]:
    """The action classes of the folded headline ``head``, and those of its main clause
    (the span ``main``), in precedence order, except that a thing that happened
    (``verbs.OCCURRENCES``) named before the reactions to it comes first, and so does an
    appeal named before the ruling it appeals (``_ordered``)."""
    every, in_main, first, last = [], [], {}, {}
    noun_ruling = False  # the first ruling the headline names is a decision noun
    start, end = main
    for c in _candidates(head):
        m = c.pattern.search(head)
        if m is None:
            continue
        every.append(c.name)
        first[c.name], last[c.name] = m.start(), m.end()
        noun_ruling = noun_ruling or (c.name == "ruling" and m.group(0) in _DECISION_NOUNS)
        inside = start <= m.start() and m.end() <= end
        if inside or c.pattern.search(head, start, end):
            in_main.append(c.name)
    # a ruling named inside the appeal's own words ("asks the court to overturn") is what
    # the appeal asks for, as a ruling named by a noun after it is what it appeals
    asked = "ruling" in first and "appeal" in first
    appealed = noun_ruling or (asked and first["appeal"] <= first["ruling"] < last["appeal"])
    return _ordered(every, first, appealed), _ordered(in_main, first, appealed)


# a ruling named by a noun only: what an appeal named before it is against ("Acme appeals
# Dutch ruling" reports the appeal; "Acme appeal tossed" a ruling)
_DECISION_NOUNS = frozenset(
    {"ruling", "rulings", "judgment", "judgments", "judgement", "judgements", "verdict"}
)


def _ordered(classes: list[str], first: dict[str, int], appealed: bool) -> list[str]:
    """``classes`` in precedence order, but an appeal first when the ruling named after it
    is what it appeals or asks for (``appealed``), and a thing that happened before the
    reactions."""
    if appealed and "appeal" in classes and first["ruling"] >= first["appeal"]:
        classes = ["appeal", *(c for c in classes if c != "appeal")]
    return _occurrence_first(classes, first)


def is_sequel(folded_title: str) -> bool:
    """True for a headline that reports another one of something ("second lawsuit",
    "another fine", "new probe"): a new event, not the one it alludes to."""
    return _SEQUEL.search(folded_title) is not None


_SEQUEL_ACTS = (
    r"(?:lawsuits?|suits?|fines?|penalt(?:y|ies)|probes?|investigations?|cases?|complaints?|"
    r"bans?|orders?|contracts?|deals?|settlements?|claims?|rounds?|challenges?|breach(?:es)?|"
    r"hacks?|leaks?|(?:cyber ?)?attacks?|incidents?|warnings?|patents?|acquisitions?|layoffs|"
    r"job cuts|executives?|officials?|departures?|exits?|resignations?)"
)
_SEQUEL = re.compile(
    rf"\b(?:second|third|fourth|another|fresh|new|further|additional|latest) (?:\w+ ){{0,2}}"
    rf"{_SEQUEL_ACTS}\b"
    # "second Illinois city to sign with…": another customer's act, not the first one's; but
    # a "new state law" is no other state
    r"|\b(?:second|third|fourth|another) (?:\w+ ){0,2}(?:cit(?:y|ies)|states?|countr(?:y|ies)|"
    r"customers?|clients?|banks?|lenders?|retailers?|agenc(?:y|ies))\b"
)


def _occurrence_first(classes: list[str], first: dict[str, int]) -> list[str]:
    leftmost = min(classes, key=first.__getitem__, default=None)
    if leftmost in vb.OCCURRENCES and all(
        c == leftmost or c in vb.COMPANIONS[leftmost] for c in classes
    ):
        return [leftmost, *(c for c in classes if c != leftmost)]
    return classes


def in_precedence(classes: Iterable[str]) -> list[str]:
    """``classes`` in the precedence order of ``verbs.ACTIONS``."""
    return sorted(classes, key=_PRECEDENCE.__getitem__)


_PRECEDENCE = {name: n for n, name in enumerate(vb.ACTIONS)}


def primary_action(classes: list[str]) -> str | None:
    """The first class by precedence, if every other one is its companion (one event told
    with its context); None for none, or for unrelated ones (a headline about several)."""
    if not classes:
        return None
    first = classes[0]
    return first if all(c in vb.COMPANIONS[first] for c in classes[1:]) else None


@dataclass(frozen=True)
class _Class:
    name: str
    pattern: re.Pattern[str]
    starts: tuple[str, ...] | None  # every match starts with one of these (None: unknown)


def _candidates(text: str) -> list[_Class]:
    """The classes that may match ``text``, in precedence order: those whose leading
    words occur in it (one Aho-Corasick pass), and those without known leading words."""
    classes, automaton = _prefilter()
    present = {i for _, found in automaton.iter(text) for i in found}
    return [c for i, c in enumerate(classes) if c.starts is None or i in present]


@functools.cache
def _prefilter() -> tuple[tuple[_Class, ...], ahocorasick.Automaton]:
    classes = _classes()
    owners: dict[str, set[int]] = {}
    for i, c in enumerate(classes):
        for start in c.starts or ():
            owners.setdefault(start, set()).add(i)
    automaton = ahocorasick.Automaton()
    for start, found in owners.items():
        automaton.add_word(start, frozenset(found))
    automaton.make_automaton()
    return classes, automaton


@functools.cache
def _classes() -> tuple[_Class, ...]:
    found = []
    for name, patterns in vb.ACTIONS.items():
        starts: set[str] | None = set()
        for p in patterns:
            lead = _leading_literals(p)
            if lead is None or starts is None:
                starts = None
            else:
                starts |= lead
        pattern = re.compile(r"\b(?:" + "|".join(patterns) + ")")
        found.append(_Class(name, pattern, tuple(sorted(starts)) if starts else None))
    return tuple(found)


_META = frozenset("\\()[]{}?*+|.^$")


def _leading_literals(pattern: str) -> set[str] | None:
    """Literal texts one of which every match of ``pattern`` starts with; None when that
    cannot be read (the class is then always searched)."""
    while pattern.startswith(("(?<!", "(?<=")):  # lookbehinds consume nothing
        pattern = pattern[_group_end(pattern) + 1 :]
    if pattern.startswith("(?:"):
        end = _group_end(pattern)
        if pattern[end + 1 : end + 2] in ("?", "*", "{"):
            return None
        out: set[str] = set()
        for branch in _branches(pattern[3:end]):
            lead = _leading_literals(branch)
            if not lead:
                return None
            out |= lead
        return out
    literal = ""
    for c in pattern:
        if c in _META:
            if c in "?*{":  # the last character is optional
                literal = literal[:-1]
            break
        literal += c
    return {literal} if literal else None


def _group_end(pattern: str) -> int:
    """The index of the ")" closing the group that opens ``pattern``."""
    depth, i = 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        depth += (c == "(") - (c == ")")
        if depth == 0:
            return i
        i += 1
    raise ValueError(f"unbalanced group in {pattern!r}")


def _branches(pattern: str) -> list[str]:
    """``pattern`` split on its top-level "|"."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        depth += (c == "(") - (c == ")")
        if c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*out, pattern[start:]]
