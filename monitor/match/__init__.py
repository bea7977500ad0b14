"""Topic matching: the query language, its compiled matcher, hits, snippets and explanations.

Pure: topics and entries in, matches out; no storage, no config globals. Build a ``TopicSet``
with ``compile_topics`` once per config load and call ``TopicSet.match(entry, source)`` per
entry. The language is described in the README (section "Topic query language").

Modules: ``query`` (AST, QuerySyntaxError), ``lexer`` and ``parser`` (text ↔ AST),
``normalize`` (folding, words, HTML), ``document`` (an entry prepared once for all topics),
``nodes`` and ``engine`` (compiled matcher), ``topicset`` (Aho-Corasick prefilter),
``snippet`` (terms and marked snippet), ``explain`` (why it matched), ``backtest`` (an edited
topic against stored entries).
"""

from __future__ import annotations

from monitor.match.backtest import Backtest, Change, StoredEntry
from monitor.match.document import Document
from monitor.match.engine import CompiledTopic, compile_query, compile_topic, match_entry
from monitor.match.explain import Clause, Explanation, explain
from monitor.match.normalize import fold, strip_html
from monitor.match.parser import format_query, parse_query
from monitor.match.query import (
    DEFAULT_FIELDS,
    FIELDS,
    Alias,
    And,
    Near,
    Not,
    Or,
    Query,
    QuerySyntaxError,
    Term,
)
from monitor.match.topicset import TopicSet, build_topic_set, compile_topics

__all__ = [
    "DEFAULT_FIELDS",
    "FIELDS",
    "Alias",
    "And",
    "Backtest",
    "Change",
    "Clause",
    "CompiledTopic",
    "Document",
    "Explanation",
    "Near",
    "Not",
    "Or",
    "Query",
    "QuerySyntaxError",
    "StoredEntry",
    "Term",
    "TopicSet",
    "build_topic_set",
    "compile_query",
    "compile_topic",
    "compile_topics",
    "explain",
    "fold",
    "format_query",
    "match_entry",
    "parse_query",
    "strip_html",
]
