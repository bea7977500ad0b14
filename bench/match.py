"""Benchmark: entries/s of ``TopicSet.match`` for 10, 200 and 2,000 terms in 20 topics, and
milliseconds per hostile entry.

Synthetic entries are ~800 characters of common English (a ~60-character title and a body),
3% of them carrying one of the topic terms, like a news stream where most items match
nothing. Terms are invented names and phrases (one to three words, some hyphenated, some
prefix wildcards); each topic is ``(term OR term …) -exclusion``. Prints one line per term
count.

Hostile entries: a summary repeating "Clearview police " to the 20,000-character parse cap,
as many as fill a 10 MiB feed (``--hostile``), matched against the shipped topics
(``feeds.yaml``: ``Clearview NEAR/15 (… police …)``) and against a set of worst-case NEAR
queries (chains of NEAR/999, NEAR of NEAR groups, aliases, wildcards). Prints CPU ms per
entry and the CPU seconds a worker spends on a whole 10 MiB feed of them.
Run: ``.venv/bin/python bench/match.py [--entries N] [--terms N …] [--hostile N]``.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from monitor.config import Topic
from monitor.configfile import load_config
from monitor.entry import Entry
from monitor.match import TopicSet, compile_topics

TOPICS = 20
TEXT_CHARS = 800
PLANTED = 0.03
_COMMON_TEXT = (
    "the of and to in a is that for on it with as was he be at by this had not are but from "
    "or have an they which one you were her all she there would their we him been has when "
    "who will more no if out so said what up its about into than them can only other new "
    "some could time these two may then do first any my now such like our over man me even "
    "most made after also did many before must through back years where much your way well "
    "down should because each just those people how too little state good very make world "
    "still own see men work long get here between both life being under never day same "
    "another know while last might us great old year off come since against go came right "
    "used take three council report police court government company market city week city "
    "official minister shares percent data security public health school million billion "
    "according statement spokesperson announced tuesday wednesday thursday friday monday"
)
COMMON = _COMMON_TEXT.split()
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"] + ["qua", "xen", "thor", "vyn"]

SHIPPED = Path(__file__).parent.parent / "feeds.yaml"
HOSTILE_CHARS = 20_000  # the parse cap on a summary
HOSTILE_FEED = (10 * 1024 * 1024) // HOSTILE_CHARS  # entries of that size in a 10 MiB feed
WORST_QUERIES = [
    '@company NEAR/50 (police OR pol* OR "police clearview" OR clear*)',
    "Clearview ONEAR/999 police",
    "Clearview NEAR/999 police NEAR/999 Clearview NEAR/999 police",
    "(Clearview NEAR/20 police) NEAR/30 (police ONEAR/10 Clearview)",
    "=Clearview NEAR/15 (=police OR =Police*)",
]


def invent_name(rng: random.Random) -> str:
    """A capitalised made-up word of three or four syllables."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4))).capitalize()


def invent_terms(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct terms: names, two-word phrases, hyphenated names, prefixes."""
    terms: set[str] = set()
    while len(terms) < count:
        shape = rng.random()
        if shape < 0.4:
            terms.add(invent_name(rng))
        elif shape < 0.7:
            terms.add(f'"{invent_name(rng)} {rng.choice(COMMON)}"')
        elif shape < 0.9:
            terms.add(f"{invent_name(rng)}-{invent_name(rng)}")
        else:
            terms.add(invent_name(rng) + "*")
    return sorted(terms)


def make_topics(terms: list[str]) -> list[Topic]:
    """``TOPICS`` query topics sharing out ``terms`` round-robin."""
    groups: list[list[str]] = [[] for _ in range(TOPICS)]
    for i in range(max(len(terms), TOPICS)):
        groups[i % TOPICS].append(terms[i % len(terms)])
    return [
        Topic(name=f"t{i}", query=f"({' OR '.join(group)}) -{COMMON[i]}x")
        for i, group in enumerate(groups)
    ]


def make_entries(count: int, terms: list[str], rng: random.Random) -> list[Entry]:
    """``count`` entries of about ``TEXT_CHARS`` characters; ``PLANTED`` carry a term."""
    plain = [t.strip('"*') for t in terms]
    entries = []
    for n in range(count):
        words = [rng.choice(COMMON) for _ in range(TEXT_CHARS // 5)]
        if rng.random() < PLANTED:
            words[rng.randrange(len(words))] = rng.choice(plain)
        text = " ".join(words)[:TEXT_CHARS]
        entries.append(Entry(f"e{n}", None, text[:60].capitalize(), text[60:] + "."))
    return entries


def run(entries: list[Entry], terms: list[str]) -> tuple[float, int]:
    """Entries per CPU second and the number of matches found."""
    topic_set = compile_topics(make_topics(terms))
    start = time.process_time()  # CPU: on a shared machine the wall clock counts others too
    found = sum(len(topic_set.match(entry, "bench")) for entry in entries)
    return len(entries) / (time.process_time() - start), found


def hostile_entries(count: int) -> list[Entry]:
    """``count`` entries whose summary repeats "Clearview police " to ``HOSTILE_CHARS``."""
    text = "Clearview police "
    summary = (text * (HOSTILE_CHARS // len(text) + 1))[:HOSTILE_CHARS]
    return [Entry(f"h{n}", None, "Clearview police", summary) for n in range(count)]


def worst_topics() -> TopicSet:
    aliases = {"company": ["Clearview AI", "Clearview", "ClearviewAI"]}
    topics = [
        Topic(name=f"w{i}", query=query, aliases=aliases) for i, query in enumerate(WORST_QUERIES)
    ]
    return compile_topics(topics)


def run_hostile(label: str, topic_set: TopicSet, entries: list[Entry]) -> None:
    """Print CPU ms per hostile entry, and the CPU seconds a 10 MiB feed of them costs.

    CPU time, not wall time: on a shared machine the wall clock counts other processes too.
    """
    start = time.process_time()
    found = sum(len(topic_set.match(entry, "bench")) for entry in entries)
    per_entry = (time.process_time() - start) / len(entries)
    print(
        f"hostile, {label}: {1000 * per_entry:,.1f} ms CPU/entry over {len(entries)} "
        f"entries ({found:,} matches); a 10 MiB feed ({HOSTILE_FEED} entries of "
        f"{HOSTILE_CHARS:,} chars): {per_entry * HOSTILE_FEED:,.1f} s CPU"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--terms", type=int, nargs="*", default=[10, 200, 2000])
    parser.add_argument("--hostile", type=int, default=HOSTILE_FEED, help="0: skip")
    args = parser.parse_args()
    for count in args.terms:
        rng = random.Random(count)
        terms = invent_terms(count, rng)
        entries = make_entries(args.entries, terms, rng)
        rate, found = run(entries, terms)
        label = f"{count:>5} terms / {TOPICS} topics"
        print(f"{label}: {rate:>9,.0f} entries/s of CPU ({found:,} matches)")
    if args.hostile:
        entries = hostile_entries(args.hostile)
        run_hostile("shipped topics", compile_topics(load_config(SHIPPED, {}).topics), entries)
        run_hostile("worst-case NEAR queries", worst_topics(), entries)


if __name__ == "__main__":
    main()
