"""The matched-term marks in a snippet, told apart from the feed text's own asterisks.

The match module marks each matched span of a snippet ``**like this**``; feed text may hold
``*``, ``**``, ``_`` or ``~`` of its own. A ``**…**`` pair is a mark only when what it
encloses is a matched term (or overlapping terms merged into one span: it starts with a term
and ends with one), compared without case and with spaces collapsed; any other asterisk is
the feed's, to be shown as it is. Contains no business logic.
"""

from __future__ import annotations

from collections.abc import Sequence

Run = tuple[str, bool]  # (text, is it a marked term)


def split_marks(snippet: str, terms: Sequence[str]) -> list[Run]:
    """``snippet`` as runs of plain text and marked terms (marks removed), in order; the
    text of all runs together is the snippet without its marks."""
    wanted = {_norm(t) for t in terms if t.strip()}
    # a mark encloses one span: at most every term, overlapping, so never longer than all
    # of them together (this bounds the search on a text of a thousand asterisks)
    longest = sum(len(t) + 1 for t in wanted)
    runs: list[Run] = []
    cursor = start = 0
    while wanted and (start := snippet.find("**", start)) >= 0:
        end = _closing(snippet, start + 2, wanted, longest)
        if end is None:
            start += 1
            continue
        runs += [(snippet[cursor:start], False), (snippet[start + 2 : end], True)]
        cursor = start = end + 2
    runs.append((snippet[cursor:], False))
    return [run for run in runs if run[0]]


def plain_snippet(snippet: str, terms: Sequence[str]) -> str:
    """The snippet without its marks (the feed's own asterisks stay)."""
    return "".join(text for text, _ in split_marks(snippet, terms))


def _closing(snippet: str, begin: int, wanted: set[str], longest: int) -> int | None:
    """Where the mark opened just before ``begin`` closes, or None when it is no mark. A
    marked span starts and ends with a word character (the match module's words), never
    with a space or an asterisk."""
    if begin >= len(snippet) or not _edge(snippet[begin]):
        return None
    end = snippet.find("**", begin, begin + longest + 2)
    while end >= 0:
        if end > begin and _edge(snippet[end - 1]) and _is_term(_norm(snippet[begin:end]), wanted):
            return end
        end = snippet.find("**", end + 1, begin + longest + 2)
    return None


def _edge(char: str) -> bool:
    return char != "*" and not char.isspace()


def _is_term(text: str, wanted: set[str]) -> bool:
    return text in wanted or (
        any(text.startswith(t) for t in wanted) and any(text.endswith(t) for t in wanted)
    )


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()
