"""Parse topic queries into the AST of ``monitor.match.query`` and print them back.

Contains no business logic. Grammar, loosest binding first::

    query   := or EOF
    or      := and ("OR" and)*
    and     := near (["AND"] near)*            juxtaposition is AND
    near    := unary (("NEAR/n" | "ONEAR/n") unary)*
    unary   := ("NOT" | "-") unary | scoped
    scoped  := [field ":"] atom                title: summary: source: author: case: court: party:
    atom    := "(" or ")" | ["="] (word | "phrase") | "@" alias

``format_query(parse_query(q))`` parses back to the same AST.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from monitor.match.lexer import Token, is_bare_word, tokenize_query
from monitor.match.normalize import has_word
from monitor.match.query import (
    Alias,
    And,
    Near,
    Not,
    Or,
    Positional,
    Query,
    QuerySyntaxError,
    Term,
)

MAX_DEPTH = 40  # nested parentheses and NOTs; deeper is surely a mistake (and a stack risk)


class _Parser:
    def __init__(self, query: str, aliases: Collection[str] | None) -> None:
        self.query = query
        self.tokens = tokenize_query(query)
        self.pos = 0
        self.depth = 0
        self.aliases = aliases

    def error(self, message: str, token: Token | None = None) -> QuerySyntaxError:
        column = token.column if token else len(self.query)
        return QuerySyntaxError(message, self.query, column)

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise self.error("query ends too early: expected a word, phrase or (")
        self.pos += 1
        return token

    def parse(self) -> Query:
        if not self.tokens:
            raise self.error("empty query")
        node = self.parse_or()
        extra = self.peek()
        if extra is not None:
            raise self.error(f"unexpected {extra.text!r}", extra)
        return node

    def parse_or(self) -> Query:
        items = [self.parse_and()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.pos += 1
            items.append(self.parse_and())
        return _flat(Or, items)

    def parse_and(self) -> Query:
        items = [self.parse_near()]
        while (token := self.peek()) is not None and token.kind not in ("or", ")"):
            if token.kind == "and":
                self.pos += 1
            items.append(self.parse_near())
        return _flat(And, items)

    def parse_near(self) -> Query:
        left = self.parse_unary()
        while (token := self.peek()) is not None and token.kind == "near":
            self.pos += 1
            start = self.peek()
            right = self.parse_unary()
            self.check_positional(left, token)
            self.check_positional(right, start)
            left = Near(left, right, token.number, token.ordered)
        return left

    def check_positional(self, node: Query, token: Token | None) -> None:
        if not _positional(node):
            raise self.error("NEAR joins words, phrases, aliases or OR-groups of them", token)

    def parse_unary(self) -> Query:
        token = self.take()
        if token.kind != "not":
            self.pos -= 1
            return self.parse_scoped(None)
        self.enter(token)
        node = Not(self.parse_unary())
        self.depth -= 1
        return node

    def enter(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"nested more than {MAX_DEPTH} deep", token)

    def parse_scoped(self, field: str | None) -> Query:
        token = self.take()
        if token.kind == "field":
            if field is not None:
                raise self.error("field scopes do not nest", token)
            return self.parse_scoped(token.text)
        if token.kind == "(":
            return self.parse_group(token, field)
        if token.kind == "case":
            return self.parse_term(self.take(), field, case_sensitive=True)
        if token.kind == "alias":
            return self.parse_alias(token, field)
        return self.parse_term(token, field, case_sensitive=False)

    def parse_group(self, opening: Token, field: str | None) -> Query:
        self.enter(opening)
        node = self.parse_or()
        closing = self.peek()
        if closing is None or closing.kind != ")":
            raise self.error("this ( is never closed", opening)
        self.pos += 1
        self.depth -= 1
        return _scope(node, field, self, opening) if field else node

    def parse_alias(self, token: Token, field: str | None) -> Query:
        if self.aliases is not None and token.text not in self.aliases:
            known = ", ".join(sorted(self.aliases)) or "none defined"
            raise self.error(f"unknown alias @{token.text} (aliases: {known})", token)
        return Alias(token.text, field)

    def parse_term(self, token: Token, field: str | None, *, case_sensitive: bool) -> Query:
        if token.kind not in ("word", "phrase"):
            raise self.error(f"expected a word or phrase, got {token.text!r}", token)
        text = token.text.rstrip("*")
        if not has_word(text):
            raise self.error("a term needs at least one letter or digit", token)
        return Term(text, len(text) < len(token.text), case_sensitive, field)


def _flat(kind: type[And] | type[Or], items: list[Query]) -> Query:
    if len(items) == 1:
        return items[0]
    flat: list[Query] = []
    for item in items:
        flat.extend(item.items if isinstance(item, kind) else (item,))
    return kind(tuple(flat))


def _positional(node: Query) -> bool:
    if isinstance(node, Or):
        return all(_positional(item) for item in node.items)
    return isinstance(node, Positional)


def _scope(node: Query, field: str, parser: _Parser, token: Token) -> Query:
    """Push ``field`` down onto every leaf of ``node``."""
    if isinstance(node, Term | Alias):
        if node.field is not None:
            raise parser.error("field scopes do not nest", token)
        return replace(node, field=field)
    if isinstance(node, And | Or):
        return type(node)(tuple(_scope(item, field, parser, token) for item in node.items))
    if isinstance(node, Not):
        return Not(_scope(node.item, field, parser, token))
    left, right = (_scope(side, field, parser, token) for side in (node.left, node.right))
    return Near(left, right, node.distance, node.ordered)


def parse_query(text: str, aliases: Collection[str] | None = None) -> Query:
    """Parse a topic query. ``aliases``: names ``@name`` may use (None: any name).

    Raises QuerySyntaxError with the column of the problem; nothing else.
    """
    return _Parser(text, aliases).parse()


_LEVEL = {Or: 1, And: 2, Near: 3, Not: 4}


def format_query(node: Query) -> str:
    """Canonical query text for ``node``; parsing it gives ``node`` back."""
    if isinstance(node, Term):
        return _format_term(node)
    if isinstance(node, Alias):
        return f"{node.field}:@{node.name}" if node.field else f"@{node.name}"
    if isinstance(node, Or | And):
        glue = " OR " if isinstance(node, Or) else " "
        return glue.join(_wrap(item, _LEVEL[type(node)] + 1) for item in node.items)
    if isinstance(node, Not):
        return "NOT " + _wrap(node.item, 4)
    op = f"{'O' if node.ordered else ''}NEAR/{node.distance}"
    return f"{_wrap(node.left, 3)} {op} {_wrap(node.right, 4)}"


def _wrap(node: Query, level: int) -> str:
    text = format_query(node)
    return f"({text})" if _LEVEL.get(type(node), 5) < level else text


def _format_term(term: Term) -> str:
    body = term.text + ("*" if term.prefix else "")
    if not is_bare_word(body):
        body = f'"{body}"'
    case = "=" if term.case_sensitive else ""
    return f"{term.field}:{case}{body}" if term.field else case + body
