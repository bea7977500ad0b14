"""Split a topic query into tokens, each with its 0-based column for error messages.

Contains no business logic. Operators are upper case only (``AND``, ``OR``, ``NOT``,
``NEAR/n``, ``ONEAR/n``); ``and`` or ``near`` are ordinary words. Phrases may use straight or
curly double quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from monitor.match.query import FIELDS, QuerySyntaxError

Kind = Literal["word", "phrase", "and", "or", "not", "near", "(", ")", "field", "case", "alias"]

QUOTES = '"\u201c\u201d'
_STOP = set(QUOTES) | {"(", ")"}
_NEAR = re.compile(r"(O?)NEAR/([0-9]{1,3})")
_FIELD = re.compile(r"([A-Za-z]+):")
_ALIAS = re.compile(r"[\w.-]+")
_KEYWORDS = {"AND": "and", "OR": "or", "NOT": "not"}


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str
    column: int
    number: int = 0  # NEAR distance
    ordered: bool = False  # ONEAR


def tokenize_query(query: str) -> list[Token]:
    """The tokens of ``query``. Raises QuerySyntaxError (unclosed quote, unknown field…)."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(query):
        char = query[pos]
        if char.isspace():
            pos += 1
        elif char in "()":
            tokens.append(Token(char, char, pos))  # type: ignore[arg-type]
            pos += 1
        elif char in QUOTES:
            pos = _phrase(query, pos, tokens)
        elif char in "-=" and _starts_term(query, pos + 1):
            tokens.append(Token("not" if char == "-" else "case", char, pos))
            pos += 1
        elif char == "@":
            pos = _alias(query, pos, tokens)
        else:
            pos = _bare(query, pos, tokens)
    return tokens


def _starts_term(query: str, pos: int) -> bool:
    return pos < len(query) and not query[pos].isspace() and query[pos] != ")"


def _phrase(query: str, start: int, tokens: list[Token]) -> int:
    end = next((i for i in range(start + 1, len(query)) if query[i] in QUOTES), -1)
    if end < 0:
        raise QuerySyntaxError("unclosed quote", query, start)
    tokens.append(Token("phrase", query[start + 1 : end], start))
    return end + 1


def _alias(query: str, start: int, tokens: list[Token]) -> int:
    m = _ALIAS.match(query, start + 1)
    if not m:
        raise QuerySyntaxError("expected an alias name after @", query, start)
    tokens.append(Token("alias", m.group(), start))
    return m.end()


def _bare(query: str, start: int, tokens: list[Token]) -> int:
    end = start
    while end < len(query) and not query[end].isspace() and query[end] not in _STOP:
        end += 1
    text = query[start:end]
    field = _FIELD.match(text)
    if field:
        name = field.group(1).lower()
        if name not in FIELDS:
            known = ", ".join(f + ":" for f in FIELDS)
            raise QuerySyntaxError(f"unknown field {name}: (known: {known})", query, start)
        tokens.append(Token("field", name, start))
        return start + field.end()
    tokens.append(_word_or_operator(query, text, start))
    return end


def _word_or_operator(query: str, text: str, start: int) -> Token:
    if text in _KEYWORDS:
        return Token(_KEYWORDS[text], text, start)  # type: ignore[arg-type]
    near = _NEAR.fullmatch(text)
    if near:
        return Token("near", text, start, int(near.group(2)), bool(near.group(1)))
    if text in ("NEAR", "ONEAR") or text.startswith(("NEAR/", "ONEAR/")):
        raise QuerySyntaxError(f"{text.split('/')[0]} needs a distance: NEAR/5", query, start)
    return Token("word", text, start)


def is_bare_word(text: str) -> bool:
    """Whether ``text`` (with any ``*`` already appended) reads back as one plain word."""
    if not text or text[0] in "-=@" or any(c.isspace() or c in _STOP for c in text):
        return False
    if text in _KEYWORDS or text in ("NEAR", "ONEAR") or text.startswith(("NEAR/", "ONEAR/")):
        return False
    return not _FIELD.match(text)
