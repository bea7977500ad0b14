"""The topic query AST and the error raised for a query that does not parse.

Contains no business logic: frozen values that ``parser`` builds, ``format_query`` prints and
``engine`` compiles. Field scopes are pushed down onto the leaves (``Term`` and ``Alias``), so
``title:(a OR b)`` is ``Or((Term("a", field="title"), Term("b", field="title")))``.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.errors import MonitorError

#: Field scopes a query may name; unscoped terms search ``DEFAULT_FIELDS``.
FIELDS: tuple[str, ...] = ("title", "summary", "source", "author", "case", "court", "party")
DEFAULT_FIELDS: tuple[str, ...] = ("title", "summary")


@dataclass(frozen=True)
class Term:
    """A word or phrase. ``text`` is as written (without quotes or the trailing ``*``).

    ``prefix``: the last word matches any word starting with it (``biometric*``).
    ``case_sensitive``: written ``=Word`` / ``="A Phrase"``; letter case must match.
    ``field``: one of ``FIELDS``, or None for the default fields.
    """

    text: str
    prefix: bool = False
    case_sensitive: bool = False
    field: str | None = None


@dataclass(frozen=True)
class Alias:
    """``@name``: any phrase of the topic's alias list ``name`` (each a literal phrase)."""

    name: str
    field: str | None = None


@dataclass(frozen=True)
class And:
    items: tuple[Query, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Query, ...]


@dataclass(frozen=True)
class Not:
    item: Query


@dataclass(frozen=True)
class Near:
    """``left NEAR/n right`` (any order) or ``left ONEAR/n right`` (left first).

    At most ``distance`` other words separate the two, in the same field.
    """

    left: Query
    right: Query
    distance: int
    ordered: bool = False


Query = Term | Alias | And | Or | Not | Near
Positional = (Term, Alias, Or, Near)  # node kinds NEAR may join (Or only of these)


class QuerySyntaxError(MonitorError, ValueError):
    """A topic query (or one of its parts) does not parse or does not compile.

    ``query`` is the text, ``column`` the 0-based offset of the problem in it, ``where`` the
    topic key it came from (``query``, ``exclude[2]``, ``terms[0]``, ``aliases.ton-that``).
    """

    def __init__(self, message: str, query: str, column: int, where: str = "query") -> None:
        self.message = message
        self.query = query
        self.column = max(0, min(column, len(query)))
        self.where = where
        super().__init__(f"{where}: {message} (column {self.column + 1})")

    def located(self, where: str) -> QuerySyntaxError:
        """The same error attributed to another topic key."""
        return QuerySyntaxError(self.message, self.query, self.column, where)

    @property
    def line(self) -> int:
        """0-based line of the problem inside a multi-line query."""
        return self.query.count("\n", 0, self.column)

    def caret(self) -> str:
        """The query line holding the problem, and a ``^`` under its column."""
        start = self.query.rfind("\n", 0, self.column) + 1
        end = self.query.find("\n", self.column)
        text = self.query[start : end if end >= 0 else len(self.query)]
        return f"{text}\n{' ' * (self.column - start)}^"
