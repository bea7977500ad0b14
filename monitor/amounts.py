"""Money, percentages and counts in folded text (``monitor.particulars.fold``).

Pure. Amounts are normalised across spellings: "€30.5m", "30.5 million euros",
"EUR 30,500,000" and "30,5 milioni di euro" are all (EUR, 30,500,000). Counts leave out
years, dates, times, ordinals, durations and numbered provisions ("Article 17"). Contains
no business logic: which numbers matter for an event is ``monitor.events``.
"""

from __future__ import annotations

import re

from monitor import lexicon as lx

Amount = tuple[str, float]  # (ISO currency, value)
_DIGIT = re.compile(r"\d")


class Numbers:
    """Money, percentages and counts of folded text, each span read once."""

    def __init__(self, folded: str) -> None:
        self.money: set[Amount] = set()
        self.percents: set[float] = set()
        self.counts: set[float] = set()
        taken: list[tuple[int, int]] = []
        self._words(folded, taken)
        if _DIGIT.search(folded) is None:
            return
        self._money(folded, taken)
        for m in _PERCENT.finditer(folded):
            value = to_number(m.group(1))
            if value is not None and not _overlaps(m.span(), taken):
                self.percents.add(round(value, 1))
                taken.append(m.span())
        self._counts(folded, taken)

    def _money(self, folded: str, taken: list[tuple[int, int]]) -> None:
        for pattern in (_MONEY_BEFORE, _MONEY_AFTER):
            for m in pattern.finditer(folded):
                if _overlaps(m.span(), taken):
                    continue
                value = to_number(m.group(2) if pattern is _MONEY_BEFORE else m.group(1))
                if value is None:
                    continue
                currency = _CURRENCIES[m.group("cur")]
                self.money.add((currency, round_value(value * _mult(m.group("mult")))))
                taken.append(m.span())

    def _words(self, folded: str, taken: list[tuple[int, int]]) -> None:
        for m in _COUNT_WORDS.finditer(folded):
            if lx.NUMBER_WORDS[m.group(1)] >= 1000:
                self.counts.add(lx.NUMBER_WORDS[m.group(1)])
            taken.append(m.span())

    def _counts(self, folded: str, taken: list[tuple[int, int]]) -> None:
        for m in _COUNT.finditer(folded):
            if _overlaps(m.span(), taken):
                continue
            raw, mult = m.group(1), m.group("mult")
            number = to_number(raw)
            if number is None or not _a_count(folded, m, raw, mult):
                continue
            if number * _mult(mult) >= 10:
                self.counts.add(round_value(number * _mult(mult)))


_CURRENCIES = lx.CURRENCY_SIGNS | lx.CURRENCY_WORDS


_NUM = r"(\d{1,3}(?:[,.\u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?)"
_MULT = "|".join(re.escape(m) for m in sorted(lx.MULTIPLIERS, key=len, reverse=True))
_SIGN = "|".join(re.escape(c) for c in sorted(lx.CURRENCY_SIGNS, key=len, reverse=True))
_CURWORD = "|".join(re.escape(c) for c in sorted(lx.CURRENCY_WORDS, key=len, reverse=True))
_MONEY_BEFORE = re.compile(
    rf"(?<![\w$])(?P<cur>{_SIGN})\s?{_NUM}(?:[\s-]?(?P<mult>{_MULT})(?![\w]))?(?![\w%])"
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
