"""The particulars of a news item: what happened (an action class) and its specifics.

Pure: text in, ``Particulars`` out; no I/O, no model, nothing downloaded. Reads, with the
word lists of ``monitor.lexicon``:

- money, normalised across spellings ("€30.5m", "30.5 million euros", "EUR 30,500,000",
  "30,5 milioni di euro" are all EUR 30,500,000);
- counts ("nearly 1m searches", "30bn images"), percentages ("23%", "23 per cent");
- case numbers ("1:21-cv-00135", "No. 23-1234", "C-123/22");
- places as hierarchical codes (a city within its state or country), leaving out a place
  that only says where an actor is from ("the U.S. company", "a New York-based startup");
- regulators, prosecutors and courts ("Autoriteit Persoonsgegevens", "the Dutch privacy
  watchdog", "Vermont's attorney general", "a federal judge"), with their place;
- roles (CEO, CTO, founder...) and other names (capitalised words that are not common
  words, places, bodies or the caller's own ``ignore`` words: a topic's terms are shared by
  every item of the topic, so they say nothing about which event an item reports);
- the action class of the headline (fine, sue, settle, appeal, ruling, resign...), or of the
  opening sentence when the headline names none, and whether the headline comments, asks
  or collects (an analysis, an interview, a round-up) rather than reports one event.

Precision matters more than recall here: a particular read wrongly can only stop two reports
from joining (a repeat alert); ``monitor.events`` decides what they must share.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from monitor import actions as act
from monitor import gazetteer as gz
from monitor import lexicon as lx
from monitor import verbs as vb
from monitor.amounts import Amount, Numbers

OPENING_WORDS = 80  # the lead: what a summary says first is what the item reports


@dataclass(frozen=True)
class Particulars:
    """The specifics one text names (see the module docstring). Sets of normalised values:
    ``places`` and ``bodies`` hold hierarchical codes ("US-VT", "dpa@EU-NL")."""

    money: frozenset[Amount] = frozenset()
    counts: frozenset[float] = frozenset()
    percents: frozenset[float] = frozenset()
    cases: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    bodies: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    parties: frozenset[str] = frozenset()  # who brings a case: "private", "public"
    # capitalised words that may or may not be names: the first word of a headline, every
    # word of a title-case one (a name only where another text writes it mid-sentence)
    weak: frozenset[str] = frozenset()
    # an abbreviation that is a headline's subject ("NHS pauses…", "CPD grounds…"): the same
    # actor when both headlines open with it, but too ambiguous to tell two actors apart
    acronyms: frozenset[str] = frozenset()
    # the initials of names written out ("Alberta Health Services": "ahs"), which another
    # text may give as an abbreviation
    spelled: frozenset[str] = frozenset()
    # names written as two words or more ("julien marchal"): one name, not two
    full_names: frozenset[str] = frozenset()
    # places named only in a dateline ("MANILA, Oct 12 (Wire) -"), among ``places``: where
    # the story was filed, which may be a wire's bureau rather than where it happened
    filed: frozenset[str] = frozenset()

    def __or__(self, other: Particulars) -> Particulars:
        joined = {f: getattr(self, f) | getattr(other, f) for f in Particulars.__dataclass_fields__}
        # a place either names outside a dateline is no longer named only in one
        joined["filed"] -= (self.places - self.filed) | (other.places - other.filed)
        return Particulars(**joined)


@dataclass(frozen=True)
class Reading:
    """What an item's headline and lead say: the action class of the headline (None when
    it names none, or names several unrelated ones), whether it is ``commentary`` (analysis,
    interview, round-up, question) or names places that cannot be one event's (``multi``),
    the particulars of the headline's main clause (``title``: what it reports, without the
    context of "as…", "after…" clauses) and those of headline and lead together. ``about``:
    for a response, appeal or ruling, the classes of the decision it is about ("Clearview
    appeals Dutch fine": {"fine"})."""

    action: str | None
    commentary: bool
    multi: bool
    title: Particulars
    lead: Particulars
    about: frozenset[str] = frozenset()
    # the headline's main clause and the lead's first sentence without its "…, two days
    # after…" clauses: where an item says what happened
    lede: Particulars = field(default_factory=Particulars)
    sequel: bool = False  # "second lawsuit", "another fine": not the one it alludes to


def read_item(title: str, summary: str, ignore: Iterable[str] = ()) -> Reading:
    """Read ``title`` and the opening of ``summary`` (``OPENING_WORDS`` words, without a
    repeated headline). ``ignore``: words never taken as names (a topic's matched terms)."""
    skip = frozenset(w for term in ignore for w in fold(term).replace("-", " ").split())
    head = fold(title)
    lead_text = _opening(summary, head)
    start, end = act.main_clause(title)
    main_text = title[start:end]
    full = particulars(title, skip)
    clause = act.main_clause(head)
    every, main = act.headline_classes(_names_masked(title, head), clause)
    # a main clause that names no act reports none that the background after it names
    classes = main or ([] if act.background_follows(head, clause[1]) else every)
    if (not classes or {"contract", "funding"} & set(classes)) and _pays(head, ignore):
        # a sum the tracked company pays settles (or penalises), whoever gets it
        paid = {"settle" if c in ("contract", "funding") else c for c in classes}
        classes = act.in_precedence(paid or {"settle"})
    action = act.primary_action(classes)
    title_p = full if main_text == title else particulars(main_text, skip)
    if vb.OBJECTS.get(action or "") == "roles":  # "Whitfield exits as CFO": the role left
        title_p = replace(title_p, roles=full.roles)
    lead_p = full | particulars(lead_text, skip, sentences=True, dateline=True)
    first = _trimmed(_first_sentence(lead_text))
    lede = title_p | particulars(first, skip, sentences=True, dateline=True) if first else title_p
    commentary = act.is_commentary(head)
    # a headline in three parts or more ("X settles; Y fined and booed; Z shopping") lists
    # events: a digest
    listed = head.count(";") >= 2
    multi = (bool(classes) and action is None) or _scattered(title_p.places) or listed
    about = frozenset(every) - {action} if action in vb.ABOUT else frozenset()
    sequel = act.is_sequel(head)
    return Reading(action, commentary, multi, title_p, lead_p, about, lede, sequel)


def _pays(folded_title: str, tracked: Iterable[str]) -> bool:
    """True when the tracked company pays ("Acme Vision to pay $2.25 million"): it settles
    or is penalised; a customer that pays it buys from it (a contract)."""
    names = "|".join(re.escape(fold(term)) for term in tracked if term.strip())
    if not names:
        return False
    pays = rf"\b(?:{names})(?:'s)? (?:[\w'-]+ )?(?:to pay|pays|paid|will pay|must pay)\b"
    pays += rf"|[$€£][\d.,]+ ?(?:m|mn|mln|million|bn|billion|k)?\b from (?:{names})\b"
    return re.search(pays, folded_title) is not None


_LEADING_CLAUSE = re.compile(
    r"^(?:[\w-]+ ){0,3}(?:after|following|since|before|despite|amid|as|having|wake of|"
    r"heels of)\b[^,]*,\s*",
    re.IGNORECASE,
)
_TRAILING_CLAUSE = re.compile(
    r",\s(?:[\w-]+ ){0,3}(?:after|following|since|before|despite|amid|as|which|who|whose|that|"
    r"wake of|heels of|pending)\b",
    re.IGNORECASE,
)


def _trimmed(sentence: str) -> str:
    """``sentence`` without a leading "Two days after …," or a trailing ", which …" clause."""
    sentence = _LEADING_CLAUSE.sub("", sentence, count=1)
    m = _TRAILING_CLAUSE.search(sentence)
    return sentence[: m.start()] if m else sentence


# --- text ------------------------------------------------------------------------------------

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower case, accents removed, curly quotes and dashes straightened, spaces collapsed."""
    text = text.translate(_QUOTES)
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return " ".join(text.casefold().split())


_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


MIN_OPENING_WORDS = 6  # less is an aggregator's "Headline  Publisher", not a lead


def _opening(summary: str, folded_title: str) -> str:
    words = summary.split()[: OPENING_WORDS + 40]
    text = " ".join(words)
    if folded_title and fold(text).startswith(folded_title):  # aggregators repeat the headline
        text = " ".join(words[len(folded_title.split()) :])
    kept = text.split()[:OPENING_WORDS]
    return " ".join(kept) if len(kept) >= MIN_OPENING_WORDS else ""


def _first_sentence(text: str) -> str:
    found = re.search(r"[.!?](?:\s+[A-Z\"“]|\s*$)", text)
    return text[: found.start() + 1] if found else text


# --- places ----------------------------------------------------------------------------------


def _scattered(places: frozenset[str]) -> bool:
    """Two places in one headline neither of which contains the other ("fined in Italy and
    Greece", "sued in Chicago and Houston"): several events, or a comparison. Cities of one
    state or country are one setting ("e-gates at Lisbon, Porto and Faro")."""
    return len({_city_container(code) for code in leaf_places(places)}) > 1


def _city_container(code: str) -> str:
    """The state or country a city lies in ("EU-PT-lisbon": "EU-PT"); other places as they
    are (city names are the lower-case part of a code)."""
    container, _, last = code.rpartition("-")
    return container if container and last.islower() else code


def leaf_places(places: Iterable[str]) -> set[str]:
    """The most specific of ``places``: those no other one lies within."""
    found = set(places)
    return {p for p in found if not any(q != p and within(q, p) for q in found)}


def within(inner: str, outer: str) -> bool:
    """True when place ``inner`` lies within (or is) ``outer``: "US-IL-chicago" in "US"."""
    return inner == outer or inner.startswith(outer + "-")


# --- particulars -----------------------------------------------------------------------------


def particulars(
    text: str,
    skip: frozenset[str] = frozenset(),
    *,
    sentences: bool = False,
    dateline: bool = False,
) -> Particulars:
    """The particulars ``text`` names. ``sentences``: the text is prose (a capitalised word
    that starts a sentence is not taken for a name), else a headline (whose capitals name
    nothing when it is in title case). ``dateline``: the text may open with a dateline
    ("AMSTERDAM, Nov 3 (Reuters) -"), which says where the story was filed: a city there
    counts as its state or country only."""
    folded = fold(_COUNTRY_CAPS.sub("U.S.", text))
    found = gz.find(folded)
    line = _DATELINE.match(text) if dateline else None
    dateline_end = len(fold(text[: line.end()])) if line else 0
    places = _places(folded, found, dateline_end, skip)
    told = {code for f, code in places.items() if f.start >= dateline_end}
    bodies = _bodies(folded, found, places)
    known = {_POSSESSIVE.sub("", w) for f in found for w in folded[f.start : f.end].split()}
    # the agency in a dateline ("(Nordic Wire)") is the outlet, named by all its items
    named = list(_names(text[line.end() :] if line else text, skip | known, prose=sentences))
    numbers = Numbers(folded)
    return Particulars(
        money=frozenset(numbers.money),
        counts=frozenset(numbers.counts),
        percents=frozenset(numbers.percents),
        cases=frozenset(_cases(text)),
        places=frozenset([*places.values(), *(b.split("@", 1)[1] for b in bodies if "@" in b)]),
        bodies=frozenset(bodies),
        roles=frozenset(f.value for f in found if f.kind == "role"),
        names=frozenset(n for n, kind in named if kind == "sure"),
        weak=frozenset(n for n, kind in named if kind == "weak"),
        acronyms=frozenset(n for n, kind in named if kind == "acronym"),
        parties=frozenset(_parties(folded, found)),
        # a title-case headline's capitals make runs of any words, not names
        spelled=frozenset(_spelled(text) if sentences or not _title_case(text) else ()),
        full_names=frozenset(_full_names(text, {n for n, _ in named})),
        filed=frozenset(places.values()) - told,
    )


_COUNTRY_CAPS = re.compile(r"\bUS\b")  # "US police"; folded, "us" would be the pronoun
_POSSESSIVE = re.compile(r"'s?$")
_DATELINE = re.compile(
    r"^[A-Z][A-Z.' ]+(?:,\s*[A-Z][\w.]+(?:\s[A-Z][\w.]+)?)?(?:,\s*[A-Z][a-z]{2,8}\.?\s\d{1,2})?"
    r"\s*(?:\([A-Za-z. ]+\))?\s*[-—–]\s"
)
_NATIONALITY = re.compile(
    r"^(?:-based|-born| based| headquartered|(?:\s+(?:\w+(?:-\w+)+|"  # a compound: face-search
    + "|".join(map(re.escape, lx.NATIONALITY_ADJECTIVES))
    + r")){0,3}\s+(?:"
    + "|".join(map(re.escape, lx.NATIONALITY_NOUNS))
    + r"))(?![\w])"
)
_OWNED = re.compile(r"^'s? ([\w-]+)")  # "kenya's kitambu": the word owned
_BODY_AFTER = re.compile(
    r"^(?:'s)?\s+(?:\w+\s+){0,2}(?:"
    + "|".join(map(re.escape, lx.DPA_WORDS))
    + r"|attorney general|ag)\b"
)


def _places(
    folded: str, found: list[gz.Found], dateline_end: int, actor: frozenset[str] = frozenset()
) -> dict[gz.Found, str]:
    """The places of ``found`` with their codes, leaving out nationality phrases ("the U.S.
    company", "Kenya's Kitambu": ``actor`` holds the words of the company tracked); a city
    in the dateline counts as its state or country."""
    places = {}
    for f in found:
        if f.kind != "place":
            continue
        after = folded[f.end : f.end + 60]
        if _NATIONALITY.match(after) and not _BODY_AFTER.match(after):
            continue
        owner = _OWNED.match(after)
        if owner is not None and owner.group(1) in actor:
            continue
        places[f] = _parent(f.value) if f.start < dateline_end else f.value
    return places


def _parent(code: str) -> str:
    """A city's state or country; other places unchanged."""
    parts = code.split("-")
    return "-".join(parts[:2]) if len(parts) > 2 else code


_CIRCUIT = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th) (?:u\.s\. )?circuit\b")


def _bodies(folded: str, found: list[gz.Found], places: dict[gz.Found, str]) -> list[str]:
    """Bodies named: a known one with its own place, or a generic one ("the Dutch privacy
    watchdog", "Vermont's attorney general", "the attorney general of Texas") with the
    place next to it; a numbered U.S. court of appeals ("the 7th Circuit") by its number."""
    circuits = list(_CIRCUIT.finditer(folded))
    bodies = [f"court:appeals@US-circuit{m.group(1)}" for m in circuits]
    for f in found:
        if f.kind != "body" or any(m.start() <= f.start < m.end() for m in circuits):
            continue
        kind, at, seat = f.value.partition("@")
        if at and kind in _PLACED:
            # a body known by a name another country's body may share ("Nigeria Data
            # Protection Commission" is not Ireland's Data Protection Commission)
            bodies.append(f"{kind}@{_place_before(folded, f, places, words=0) or seat}")
            continue
        if at or not (kind in _PLACED or kind.startswith("court:")):
            bodies.append(f.value)
            continue
        place = _place_before(folded, f, places) or _place_after(folded, f, places)
        if f.value.startswith("court:") and place and place.count("-") < _SEAT_DEPTH[place[:2]]:
            place = None  # a court by its country names a whole system; by its seat, one court
        bodies.append(f"{f.value}@{place}" if place else f.value)
    return bodies


# the bodies named generically that take the place next to them ("Vermont's attorney general")
_PLACED = frozenset({"dpa", "ag", "prosecutor", "legislature"})
# how many "-" a place code needs to name a court's seat (a state, a province, a city)
_SEAT_DEPTH = defaultdict(lambda: 1, {"EU": 2})


def _place_before(
    folded: str, body: gz.Found, places: dict[gz.Found, str], words: int = 3
) -> str | None:
    """The place at most ``words`` words before ``body`` ("Dutch data protection watchdog")."""
    before = [p for p in places if p.end <= body.start]
    if before and len(folded[before[-1].end : body.start].split()) <= words:
        return places[before[-1]]
    return None


_OF_THE = re.compile(r"\s+(?:of|for|in)\s+(?:the\s+)?")


def _place_after(folded: str, body: gz.Found, places: dict[gz.Found, str]) -> str | None:
    """The place right after ``body`` ("the attorney general of Texas")."""
    m = _OF_THE.match(folded, body.end)
    return next((code for p, code in places.items() if m and p.start == m.end()), None)


_PRIVATE = re.compile(r"\b(?:" + "|".join(vb.PRIVATE_PARTIES) + ")")
_PUBLIC_FILING = re.compile(r"(?:'s)?(?:\s+office)?\s+" + vb.PUBLIC_FILING)


def _parties(folded: str, found: list[gz.Found]) -> Iterator[str]:
    """Who brings a case: "private" (a class action, residents who sue) and "public" (an
    attorney general, a regulator... followed by the filing verb)."""
    if _PRIVATE.search(folded):
        yield "private"
    for f in found:
        kind = f.value.partition("@")[0]
        if f.kind == "body" and kind in vb.PUBLIC_BODIES and _PUBLIC_FILING.match(folded, f.end):
            yield "public"
            return


# --- cases and names -------------------------------------------------------------------------

_CASE_PATTERNS = (
    re.compile(r"\b(?:\d{1,2}:)?(\d{2}-[a-z]{1,4}-\d{2,6})\b", re.I),
    re.compile(r"\bNo\.\s?(\d{2,4}-\d{2,6})\b"),
    re.compile(r"\b([CT]-\d{1,4}/\d{2})\b"),
    re.compile(r"\b((?:19|20)\d\d-?[A-Z]{2}-?\d{3,6})\b"),
)


_CASE_SEPARATOR = re.compile(r"[-/]")
_CASE_RUN = re.compile(r"(\d+)([a-z]+)(\d+)")
_DIGIT = re.compile(r"\d")


def _cases(text: str) -> Iterator[str]:
    if _DIGIT.search(text) is None:
        return
    for pattern in _CASE_PATTERNS:
        for m in pattern.finditer(text):
            parts = _CASE_SEPARATOR.split(m.group(1).lower())
            run = _CASE_RUN.fullmatch(parts[0]) if len(parts) == 1 else None
            if run is not None:  # 2023CH01234
                parts = list(run.groups())
            yield "-".join(p.lstrip("0") or "0" if p.isdigit() else p for p in parts)


_COUNTY = re.compile(r"\s+(?:County|Parish|Borough)\b")
_WORDS = re.compile(r"[\w'’-]+")
_OWNER = re.compile(r"['’]s$")
_CAPITALISED = re.compile(r"(?<![\w'’-])([A-Z][\w'’.-]*\w|[A-Z])")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“(]\s+|\s-\s)$")


def _names(text: str, skip: frozenset[str], *, prose: bool) -> Iterator[tuple[str, str]]:
    """(word, kind) for capitalised words that are not common words or ``skip``: "sure" in
    the middle of a sentence; "weak" as a headline's first word or in a title-case
    headline; never the first word of a sentence of prose; "acronym" for an abbreviation
    that opens a headline (elsewhere abbreviations name no one)."""
    title_case = not prose and _title_case(text)
    for m in _CAPITALISED.finditer(text):
        word = _name_word(m.group(1))
        raw = m.group(1)
        initial = m.start() < 4 and not text[: m.start()].strip(" \"'“‘")
        if len(word) < 3 or (raw.isupper() and len(raw) <= 4 and (prose or not initial)):
            continue  # abbreviations ("PD", "NFC") are too ambiguous to name anyone…
        if word in lx.COMMON_WORDS or word in skip or word in _gazetteer():
            continue
        if word.endswith(("-based", "-born")) or _COUNTY.match(text, m.end()):
            continue  # "Cook County" is a place, not an actor
        if any(part in skip for part in word.split("-")):
            continue
        before = text[max(0, m.start() - 4) : m.start()]
        if prose and _SENTENCE_START.search(before):
            continue
        if raw.isupper() and len(raw) <= 4:
            yield word, "acronym"  # …except as a headline's subject ("NHS pauses…")
            continue
        yield word, "weak" if title_case or initial else "sure"


def _name_word(raw: str) -> str:
    """A capitalised word as ``_names`` yields it: folded, without "'s" or a final dot."""
    return fold(_OWNER.sub("", raw)).rstrip(".")


def _full_names(text: str, names: set[str]) -> Iterator[str]:
    """The names among capitalised words in a row, when two or more are ("Julien Marchal",
    "Visayan Star Lines": "visayan lines"), folded."""
    for run in _ADJACENT.finditer(text):
        words = [_name_word(w) for w in run.group().split()]
        found = [w for w in words if w in names]
        if len(found) >= 2:
            yield " ".join(found)


def _names_masked(title: str, head: str) -> str:
    """The folded headline ``head`` with the names ``title`` writes in capitals that name
    an act themselves blanked out ("Homeland Security Investigations", "Investigate 5"):
    a name is no act. Not in a title-case headline, whose capitals tell nothing."""
    if _title_case(title):
        return head
    for run in _ACT_NAME.finditer(title):
        name = fold(run.group())
        if act.action_classes(name):
            head = head.replace(name, "-" * len(name))
    return head


def _title_case(text: str) -> bool:
    """Most words of ``text`` longer than three letters are capitalised."""
    words = [w for w in _WORDS.findall(text) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _spelled(text: str) -> Iterator[str]:
    """The initials of three to five capitalised words in a row that ``text`` writes out,
    from each word of a run on ("U.S. Homeland Security Investigations": "hsi" among them;
    "Florida Department of Law Enforcement": "fdle")."""
    for run in _NAME_RUN.finditer(text):
        initials = [w[0] for w in _RUN_WORD.findall(run.group()) if w[0].isupper()]
        for start in range(len(initials) - 2):
            for end in range(start + 3, min(start + 5, len(initials)) + 1):
                yield "".join(initials[start:end]).casefold()


# a run of capitalised words, which may be joined by "of", "and", "for", "the" or "&"
_CAPITAL = r"(?<![\w'’-])[A-Z][\w'’.-]*"
_JOINED = rf"\s+(?:(?:of|and|for|the|&)\s+)*{_CAPITAL}"
_NAME_RUN = re.compile(rf"{_CAPITAL}(?:{_JOINED}){{2,}}")  # three words or more
_ACT_NAME = re.compile(rf"{_NAME_RUN.pattern}|{_CAPITAL}\s+\d+\b")  # or "Investigate 5"
_ADJACENT = re.compile(rf"{_CAPITAL}(?:\s+{_CAPITAL})+")  # capitalised words, nothing between
_RUN_WORD = re.compile(r"[\w'’.&-]+")


@functools.cache
def _gazetteer() -> frozenset[str]:
    """Words of the lexicon's places, bodies, roles and months: never names."""
    phrases = (
        *(n for names in lx.COUNTRIES.values() for n in gz.with_plurals(names)),
        *(n for names in lx.US_STATES.values() for n in gz.with_plurals(names)),
        *lx.US_STATE_NICKNAMES,
        *(n for p in lx.PROVINCES.values() for names in p.values() for n in gz.with_plurals(names)),
        *lx.CITIES,
        *lx.BODIES,
        *lx.DPA_WORDS,
        *lx.ROLES,
        *lx.MONTHS,
    )
    return frozenset(w.rstrip(".") for p in phrases for w in p.split())
