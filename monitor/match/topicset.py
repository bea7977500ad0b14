"""All configured topics behind one Aho-Corasick prefilter.

Contains no storage or config access. ``compile_topics`` builds the automaton once per config
load over every topic's required literals; ``TopicSet.match`` folds an entry once, runs the
automaton once, and evaluates only the topics one of whose literals occurred. Most entries
match nothing and cost one fold and one automaton pass, whatever the number of topics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import ahocorasick

from monitor.entry import Entry, Match
from monitor.match.document import Document
from monitor.match.engine import CompiledTopic, compile_topic, evaluate, term_literals

if TYPE_CHECKING:  # a parse worker runs this without the config models (pydantic)
    from monitor.config import Topic


@dataclass(frozen=True)
class TopicSet:
    """Compiled topics plus the automaton mapping each literal to the topics needing it.

    The automaton's value for a literal is the literal and a bit mask of topic indexes.
    """

    topics: tuple[CompiledTopic, ...]
    automaton: ahocorasick.Automaton = field(repr=False, compare=False)

    def candidates(self, doc: Document) -> int:
        """Bit mask of the topics whose literals occur in ``doc``; sets ``doc.hits``."""
        mask = 0
        hits = doc.hits = set()
        for _end, (literal, bits) in self.automaton.iter(doc.prefilter_text):
            mask |= bits
            hits.add(literal)
        return mask

    def match(self, entry: Entry, source: str = "") -> list[Match]:
        """The matches of every topic on ``entry`` from source ``source``, in topic order."""
        if not self.topics:
            return []
        doc = Document(entry, source)
        mask = self.candidates(doc)
        found: list[Match] = []
        index = 0
        while mask:
            if mask & 1:
                result = evaluate(self.topics[index], doc)
                if result is not None:
                    found.append(result)
            mask >>= 1
            index += 1
        return found

    def __getitem__(self, name: str) -> CompiledTopic:
        """The compiled topic called ``name``; KeyError if there is none."""
        for topic in self.topics:
            if topic.name == name:
                return topic
        raise KeyError(name)


def compile_topics(topics: Sequence[Topic]) -> TopicSet:
    """Compile every topic and build the shared prefilter. Raises QuerySyntaxError."""
    return build_topic_set([compile_topic(topic) for topic in topics])


def build_topic_set(compiled: Sequence[CompiledTopic]) -> TopicSet:
    """A TopicSet over topics already compiled (for tools that edit one topic)."""
    masks: dict[str, int] = {}
    for index, topic in enumerate(compiled):
        for node in (topic.include, *topic.excludes):
            for literal in term_literals(node):  # found → recorded in Document.hits
                masks.setdefault(literal, 0)
        for literal in topic.literals:  # found → the topic is evaluated
            masks[literal] |= 1 << index
    automaton = ahocorasick.Automaton()
    for literal, bits in masks.items():
        automaton.add_word(literal, (literal, bits))
    if masks:
        automaton.make_automaton()
    return TopicSet(tuple(compiled), automaton)
