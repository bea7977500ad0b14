"""Text normalization shared by queries and entries: folding, word splitting, HTML stripping.

Contains no business logic. The same functions fold query words and entry text, so whatever
one side normalizes away the other does too:

- letter case (``fold``; ``fold_cased`` keeps it for case-sensitive terms) and accents;
- soft hyphens and zero-width characters vanish (``Clear\\u00adview`` is ``Clearview``);
- NBSP and other spaces, hyphens and dashes, straight and curly quotes and apostrophes all
  separate words, so ``Ton-That`` and ``Ton That`` are the same two words and ``Clearview’s``
  and ``Clearview's`` both contain the word ``clearview``; a query word written with a hyphen
  also matches the closed-up form (``term_words``), so ``Ton-That`` finds ``TonThat`` while
  ``"clear view"`` never finds ``Clearview``.

Every fold is character-local, so ``fold(whole_text)`` contains ``fold(word)`` for each word
of the text: the prefilter relies on that.
"""

from __future__ import annotations

import html
import re
import unicodedata
from itertools import pairwise

# Invisible characters that may sit inside a word: removed, they join what they split.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
# Combining marks (decomposed accents) belong to the word they decorate.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD = re.compile(rf"[\w{_INVISIBLE}{_MARKS}]+")
_STRIP_MARKS = re.compile(f"[{_MARKS}]+")
_TABLE = str.maketrans(
    {
        **dict.fromkeys(_INVISIBLE),
        **dict.fromkeys("\u00a0\u2007\u202f", " "),
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    }
)
_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.I | re.S)
_BLOCK = re.compile(r"</?(p|br|div|li|h[1-6]|tr|td|blockquote)\b", re.I)


def fold_cased(text: str) -> str:
    """``text`` without accents, invisible characters or typographic variants; case kept."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(_TABLE))
    return _STRIP_MARKS.sub("", text)


def fold(text: str) -> str:
    """``fold_cased(text)``, case-folded: the form untagged terms are compared in."""
    if text.isascii():
        return text.lower()
    return fold_cased(text).casefold()


def word_spans(text: str) -> list[tuple[int, int]]:
    """Start and end offsets in ``text`` of each word (a run of letters, digits, marks)."""
    return [m.span() for m in _WORD.finditer(text)]


def term_words(text: str, *, cased: bool = False) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """The folded words of a query term, and for each neighbouring pair whether only a hyphen
    separated them in ``text``.

    ``Ton-That`` gives ``(("ton", "that"), (True,))`` and ``Ton That`` ``(("ton", "that"),
    (False,))``: a hyphenated query word may also be written spaced or closed up in the text.
    """
    norm = fold_cased if cased else fold
    found = [(m.span(), norm(m.group())) for m in _WORD.finditer(text)]
    kept = [(span, word) for span, word in found if word]
    gaps = pairwise(kept)
    hyphens = tuple(text[a[0][1] : b[0][0]].translate(_TABLE) == "-" for a, b in gaps)
    return tuple(word for _, word in kept), hyphens


def split_words(text: str, *, cased: bool = False) -> tuple[str, ...]:
    """The folded words of ``text`` (a query term), empty words dropped."""
    return term_words(text, cased=cased)[0]


def has_word(text: str) -> bool:
    """Whether ``text`` holds at least one letter or digit to match on."""
    return bool(split_words(text))


def strip_html(text: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded exactly once.

    Plain text passes through untouched (no ``<`` and no ``&``), so calling this on text
    that parse already cleaned is harmless unless that text contains markup-like strings.
    """
    if "<" not in text and "&" not in text:
        return text
    text = _BLOCK.sub(lambda m: " " + m.group(0), text)
    text = _TAG.sub(" ", text)
    return " ".join(html.unescape(text).split())
