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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from monitor import lexicon as lx

Amount = tuple[str, float]  # (ISO currency, value)

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

    def __or__(self, other: Particulars) -> Particulars:
        return Particulars(
            *(getattr(self, f) | getattr(other, f) for f in Particulars.__dataclass_fields__)
        )


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


def read_item(title: str, summary: str, ignore: Iterable[str] = ()) -> Reading:
    """Read ``title`` and the opening of ``summary`` (``OPENING_WORDS`` words, without a
    repeated headline). ``ignore``: words never taken as names (a topic's matched terms)."""
    skip = frozenset(w for term in ignore for w in fold(term).replace("-", " ").split())
    head = fold(title)
    lead_text = _opening(summary, head)
    main_text = main_clause(title)
    title_p = particulars(main_text, skip)
    lead_p = particulars(title, skip) | particulars(lead_text, skip, sentences=True, dateline=True)
    main = action_classes(fold(main_text))
    classes = main or action_classes(head)
    action = primary_action(classes)
    if not classes:
        action = primary_action(action_classes(fold(_first_sentence(lead_text))))
    commentary = any(re.search(p, head) for p in lx.COMMENTARY)
    multi = (bool(classes) and action is None) or _scattered(title_p.places)
    about = frozenset(action_classes(head)) - {action} if action in lx.ABOUT else frozenset()
    return Reading(action, commentary, multi, title_p, lead_p, about)


# --- text ------------------------------------------------------------------------------------

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower case, accents removed, curly quotes and dashes straightened, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


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


# --- actions ---------------------------------------------------------------------------------

_SUBORDINATE = re.compile(
    r";|\s(?:joins|follows|as(?! (?:the |its |a |an |his |her )?(?:new |interim |acting |co-|"
    r"former )?(?:ceo|chief|president|chair|head|cto|cfo|coo|director|founder|general counsel|"
    r"board))|amid|after|while|despite|following|ahead of|before|since|because|against|"
    r"even as|but|so|days after|weeks after|months after)\s",
    re.IGNORECASE,
)


def main_clause(title: str) -> str:
    """The headline up to its first subordinate clause (or ";"): "CEO resigns as company
    eyes contracts" reports a resignation; the contracts are context."""
    m = _SUBORDINATE.search(title)
    return title[: m.start()] if m and m.start() > 0 else title


@functools.cache
def _action_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (name, re.compile(r"\b(?:" + "|".join(patterns) + ")"))
        for name, patterns in lx.ACTIONS.items()
    )


def action_classes(folded: str) -> list[str]:
    """The action classes ``folded`` text names, in precedence order."""
    return [name for name, pattern in _action_patterns() if pattern.search(folded)]


def primary_action(classes: list[str]) -> str | None:
    """The first class by precedence, if every other one is its companion (one event told
    with its context); None for none, or for unrelated ones (a headline about several)."""
    if not classes:
        return None
    first = classes[0]
    return first if all(c in lx.COMPANIONS[first] for c in classes[1:]) else None


def _scattered(places: frozenset[str]) -> bool:
    """Two places in one headline neither of which contains the other ("fined in Italy and
    Greece"): several events, or a comparison."""
    leaves = leaf_places(places)
    return len(leaves) > 1


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
    numbers = _Numbers(folded)
    places, place_spans = _places(folded)
    line = _DATELINE.match(text) if dateline else None
    if line is not None:
        end = len(fold(text[: line.end()]))
        places = [
            _parent(c) if s < end else c for c, (s, _) in zip(places, place_spans, strict=True)
        ]
    bodies, body_spans = _bodies(folded, place_spans)
    roles, role_spans = _phrases(folded, _ROLE_RE, lx.ROLES)
    spans = (*place_spans, *body_spans, *role_spans)
    known = {re.sub(r"'s$", "", w) for s, e in spans for w in folded[s:e].split()}
    found = list(_names(text, skip | known, prose=sentences))
    places += [b.split("@", 1)[1] for b in bodies if "@" in b]
    return Particulars(
        money=frozenset(numbers.money),
        counts=frozenset(numbers.counts),
        percents=frozenset(numbers.percents),
        cases=frozenset(_cases(text)),
        places=frozenset(places),
        bodies=frozenset(bodies),
        roles=frozenset(roles),
        names=frozenset(n for n, sure in found if sure),
        weak=frozenset(n for n, sure in found if not sure),
        parties=frozenset(_parties(folded, body_spans)),
    )


_PRIVATE = re.compile(r"\b(?:" + "|".join(lx.PRIVATE_PARTIES) + ")")
_PUBLIC_FILING = re.compile(r"(?:'s)?(?:\s+office)?\s+" + lx.PUBLIC_FILING)


def _parties(folded: str, body_spans: list[tuple[int, int]]) -> Iterator[str]:
    """Who brings a case: "private" (a class action, residents who sue) and "public" (an
    attorney general, a regulator... followed by the filing verb)."""
    if _PRIVATE.search(folded):
        yield "private"
    for start, end in body_spans:
        kind = lx.BODIES.get(folded[start:end], ("dpa", ""))[0]
        if kind in lx.PUBLIC_BODIES and _PUBLIC_FILING.match(folded, end):
            yield "public"
            return


_COUNTRY_CAPS = re.compile(r"\bUS\b")  # "US police"; folded, "us" would be the pronoun


def _alternation(phrases: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted(set(phrases), key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(p) for p in ordered) + r")(?![\w])")


_PLACE_CODES: dict[str, str] = {
    **{name: code for code, names in lx.COUNTRIES.items() for name in names},
    **{name: f"US-{code}" for code, names in lx.US_STATES.items() for name in names},
    **{city: f"{code}-{re.sub(r'[^a-z]+', '_', city)}" for city, code in lx.CITIES.items()},
}
_DATELINE = re.compile(
    r"^[A-Z][A-Z.' ]+(?:,\s*[A-Z][\w.]+(?:\s[A-Z][\w.]+)?)?(?:,\s*[A-Z][a-z]{2,8}\.?\s\d{1,2})?"
    r"\s*(?:\([A-Za-z. ]+\))?\s*[-—–]\s"
)


def _parent(code: str) -> str:
    """A city's state or country; other places unchanged."""
    parts = code.split("-")
    return "-".join(parts[:2]) if len(parts) > 2 else code


_PLACE_RE = _alternation(_PLACE_CODES)
_BODY_RE = _alternation([*lx.BODIES, *lx.DPA_WORDS])
_ROLE_RE = _alternation(lx.ROLES)
_NATIONALITY = re.compile(
    r"^(?:-based|-born| based| headquartered|(?:\s+(?:"
    + "|".join(map(re.escape, lx.NATIONALITY_ADJECTIVES))
    + r")){0,3}\s+(?:"
    + "|".join(map(re.escape, lx.NATIONALITY_NOUNS))
    + r"))(?![\w])"
)


def _places(folded: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Place codes named in ``folded`` (and their spans), nationality phrases left out."""
    codes, spans = [], []
    for m in _PLACE_RE.finditer(folded):
        after = folded[m.end() : m.end() + 60]
        if _NATIONALITY.match(after) and not _BODY_AFTER.match(after):
            continue
        codes.append(_PLACE_CODES[m.group()])
        spans.append(m.span())
    return codes, spans


_BODY_AFTER = re.compile(
    r"^(?:'s)?\s+(?:\w+\s+){0,2}(?:"
    + "|".join(map(re.escape, lx.DPA_WORDS))
    + r"|attorney general|ag)\b"
)


_CIRCUIT = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th) (?:u\.s\. )?circuit\b")


def _bodies(
    folded: str, place_spans: list[tuple[int, int]]
) -> tuple[list[str], list[tuple[int, int]]]:
    """Bodies named in ``folded``: a known one with its own place, or a generic one ("the
    Dutch privacy watchdog", "Vermont's attorney general") with the place just before it;
    a numbered U.S. court of appeals ("the 7th Circuit") by its number."""
    found = [f"court:appeals@US-circuit{m.group(1)}" for m in _CIRCUIT.finditer(folded)]
    spans = [m.span() for m in _CIRCUIT.finditer(folded)]
    for m in _BODY_RE.finditer(folded):
        phrase = m.group()
        kind, place = lx.BODIES.get(phrase, ("dpa", ""))
        if not place and kind in ("dpa", "ag"):
            place = (
                _place_before(folded, m.start(), place_spans) or _place_after(folded, m.end()) or ""
            )
        found.append(f"{kind}@{place}" if place else kind)
        spans.append(m.span())
    return found, spans


def _place_before(folded: str, start: int, spans: list[tuple[int, int]]) -> str | None:
    for s, e in reversed(spans):
        if e <= start and len(folded[e:start].split()) <= 3:
            return _PLACE_CODES[folded[s:e]]
        if e <= start:
            break
    return None


def _place_after(folded: str, end: int) -> str | None:
    m = re.match(r"\s+(?:of|for|in)\s+(?:the\s+)?", folded[end:])
    if m is None:
        return None
    place = _PLACE_RE.match(folded, end + m.end())
    return _PLACE_CODES[place.group()] if place else None


def _phrases(
    folded: str, pattern: re.Pattern[str], values: dict[str, str]
) -> tuple[list[str], list[tuple[int, int]]]:
    found = [(values[m.group()], m.span()) for m in pattern.finditer(folded)]
    return [v for v, _ in found], [s for _, s in found]


# --- numbers ---------------------------------------------------------------------------------

_NUM = r"(\d{1,3}(?:[,.\u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?)"
_MULT = "|".join(re.escape(m) for m in sorted(lx.MULTIPLIERS, key=len, reverse=True))
_SIGN = "|".join(re.escape(c) for c in sorted(lx.CURRENCY_SIGNS, key=len, reverse=True))
_CURWORD = "|".join(re.escape(c) for c in sorted(lx.CURRENCY_WORDS, key=len, reverse=True))
_MONEY_BEFORE = re.compile(
    rf"(?<![\w$])(?P<cur>{_SIGN})\s?{_NUM}(?:\s?(?P<mult>{_MULT})(?![\w]))?(?![\w%])"
)
_MONEY_AFTER = re.compile(
    rf"(?<![\w.,]){_NUM}\s?(?:(?P<mult>{_MULT})\s?)?(?:of\s)?(?P<cur>{_CURWORD})(?![\w])"
)
_PERCENT = re.compile(
    rf"(?<![\w.,]){_NUM}\s?"
    r"(?:%|percent\b|per cent\b|pour cent\b|per cento\b|prozent\b|por ciento\b)"
)
_COUNT = re.compile(rf"(?<![\w.,:/$€£-]){_NUM}(?:\s?(?P<mult>{_MULT})(?![\w]))?(?![\w%:/-])")
_COUNT_WORDS = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, lx.NUMBER_WORDS)) + r")(?![\w])")
_NOT_A_COUNT_AFTER = re.compile(
    r"^\s?(?:-?\s?(?:days?|weeks?|months?|years?|hours?|minutes?|seconds?|a\.m\.|p\.m\.|am\b|"
    r"pm\b|st\b|nd\b|rd\b|th\b|year-old|-year|-day|-month))"
)
_NOT_A_COUNT_BEFORE = re.compile(
    r"(?:section|article|art\.|rule|title|chapter|paragraph|§|no\.|number|version|"
    + "|".join(re.escape(m) for m in lx.MONTHS)
    + r")\s?$"
)
_MONTH_AFTER = re.compile(r"^\s(?:" + "|".join(re.escape(m) for m in lx.MONTHS) + r")(?![\w])")


class _Numbers:
    """Money, percentages and counts of folded text, each span read once."""

    def __init__(self, folded: str) -> None:
        self.money: set[Amount] = set()
        self.percents: set[float] = set()
        self.counts: set[float] = set()
        taken: list[tuple[int, int]] = []
        for pattern in (_MONEY_BEFORE, _MONEY_AFTER):
            for m in pattern.finditer(folded):
                if _overlaps(m.span(), taken):
                    continue
                value = to_number(m.group(2) if pattern is _MONEY_BEFORE else m.group(1))
                if value is None:
                    continue
                currency = (lx.CURRENCY_SIGNS | lx.CURRENCY_WORDS)[m.group("cur")]
                self.money.add((currency, round_value(value * _mult(m.group("mult")))))
                taken.append(m.span())
        for m in _PERCENT.finditer(folded):
            value = to_number(m.group(1))
            if value is not None and not _overlaps(m.span(), taken):
                self.percents.add(round(value, 1))
                taken.append(m.span())
        self._counts(folded, taken)

    def _counts(self, folded: str, taken: list[tuple[int, int]]) -> None:
        for m in _COUNT_WORDS.finditer(folded):
            if not _overlaps(m.span(), taken):
                if lx.NUMBER_WORDS[m.group(1)] >= 1000:
                    self.counts.add(lx.NUMBER_WORDS[m.group(1)])
                taken.append(m.span())
        for m in _COUNT.finditer(folded):
            if _overlaps(m.span(), taken):
                continue
            raw, mult = m.group(1), m.group("mult")
            number = to_number(raw)
            if number is None or not _a_count(folded, m, raw, mult):
                continue
            if number * _mult(mult) >= 10:
                self.counts.add(round_value(number * _mult(mult)))


def _a_count(folded: str, m: re.Match[str], raw: str, mult: str | None) -> bool:
    """False for years, dates, times, ordinals, durations and numbered provisions."""
    if mult is None and re.fullmatch(r"(?:19|20)\d\d", raw):
        return False
    after, before = folded[m.end() : m.end() + 12], folded[max(0, m.start() - 12) : m.start()]
    if mult is None and (_NOT_A_COUNT_AFTER.match(after) or _MONTH_AFTER.match(after)):
        return False
    return not _NOT_A_COUNT_BEFORE.search(before)


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def _mult(word: str | None) -> float:
    return lx.MULTIPLIERS[word] if word else 1.0


def to_number(raw: str) -> float | None:
    """A written number as a float: "30,5" and "30.5" are 30.5; "30,500,000",
    "30.500.000" and "30 500 000" (narrow or no-break spaces) are 30500000."""
    text = raw.replace("\u00a0", "").replace("\u202f", "")
    commas, dots = text.count(","), text.count(".")
    if commas and dots:  # the later one is the decimal mark
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif commas:
        last = text.split(",")[-1]
        text = text.replace(",", "") if commas > 1 or len(last) == 3 else text.replace(",", ".")
    elif dots > 1:
        text = text.replace(".", "")
    try:
        return float(text)
    except ValueError:
        return None


def round_value(value: float) -> float:
    """``value`` to three significant digits: outlets round a sum differently."""
    if value == 0:
        return 0.0
    digits = len(str(int(abs(value)))) if abs(value) >= 1 else 1
    return float(round(value, 3 - digits))


# --- cases and names -------------------------------------------------------------------------

_CASE_PATTERNS = (
    re.compile(r"\b(?:\d{1,2}:)?(\d{2}-[a-z]{1,4}-\d{2,6})\b", re.I),
    re.compile(r"\bNo\.\s?(\d{2,4}-\d{2,6})\b"),
    re.compile(r"\b([CT]-\d{1,4}/\d{2})\b"),
    re.compile(r"\b((?:19|20)\d\d-?[A-Z]{2}-?\d{3,6})\b"),
)


def _cases(text: str) -> Iterator[str]:
    for pattern in _CASE_PATTERNS:
        for m in pattern.finditer(text):
            parts = re.split(r"[-/]", m.group(1).lower())
            if len(parts) == 1:  # 2023CH01234
                parts = list(re.match(r"(\d+)([a-z]+)(\d+)", parts[0]).groups())  # type: ignore[union-attr]
            yield "-".join(p.lstrip("0") or "0" if p.isdigit() else p for p in parts)


_CAPITALISED = re.compile(r"(?<![\w'’-])([A-Z][\w'’.-]*\w|[A-Z])")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“(]\s+|\s-\s)$")


def _names(text: str, skip: frozenset[str], *, prose: bool) -> Iterator[tuple[str, bool]]:
    """(word, sure) for capitalised words that are not common words or ``skip``: sure in
    the middle of a sentence; not sure as a headline's first word or in a title-case
    headline; never the first word of a sentence of prose."""
    words = [w for w in re.findall(r"[\w'’-]+", text) if len(w) > 3]
    title_case = (
        not prose and bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)
    )
    for m in _CAPITALISED.finditer(text):
        word = fold(re.sub(r"['’]s$", "", m.group(1))).rstrip(".")
        if len(word) < 4 or word in lx.COMMON_WORDS or word in skip or word in _gazetteer():
            continue  # three letters or less: abbreviations too ambiguous to name anyone
        if word.endswith(("-based", "-born")):
            continue
        if any(part in skip for part in word.split("-")):
            continue
        initial = not text[: m.start()].strip(" \"'“‘")
        if prose and _SENTENCE_START.search(text[: m.start()]):
            continue
        yield word, not (title_case or initial)


@functools.cache
def _gazetteer() -> frozenset[str]:
    """Words of the lexicon's places, bodies, roles and months: never names."""
    phrases = (*_PLACE_CODES, *lx.BODIES, *lx.DPA_WORDS, *lx.ROLES, *lx.MONTHS)
    return frozenset(w.rstrip(".") for p in phrases for w in p.split())
