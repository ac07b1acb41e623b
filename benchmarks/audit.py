"""Precision audit on real news: sample events and relations of a build, with their sentences.

usage:
  python benchmarks/audit.py sample [--corpus reuters|bbc] [--articles 500] [--n 100]
                                    [--seed 7] --out FILE.jsonl
  python benchmarks/audit.py score FILE.jsonl

``sample`` builds a seeded random sample of articles of ``../shared/corpora`` in memory and writes
N events and N relations, chosen at random (seeded) from the graph, one JSON object a line, each
with its supporting sentence and a ``verdict`` field left empty. A reader (a person, or a helper
told the rules in benchmarks/README.md) sets ``verdict`` to ``"right"`` or ``"wrong"`` and may add
a ``why``. ``score`` prints the share judged right, per kind and per class or property.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPORA = ROOT.parent / "shared" / "corpora"


def read_sample(corpus: str, n: int, seed: int):
    """A seeded random sample of ``n`` articles of the corpus, as kg ``Article`` values."""
    from kg.builder.read import read_inputs

    rng = random.Random(seed)
    if corpus == "reuters":
        lines = (CORPORA / "reuters21578.jsonl").read_text(encoding="utf-8").splitlines()
        chosen = sorted(rng.sample(range(len(lines)), n))
        tmp = Path(sys.argv[0]).resolve().parent / ".audit-input.jsonl"
        tmp.write_text("\n".join(lines[i] for i in chosen) + "\n", encoding="utf-8")
        try:
            return read_inputs([tmp]).articles
        finally:
            tmp.unlink()
    files = sorted((CORPORA / "bbc").glob("*/*.txt"))
    return read_inputs(sorted(rng.sample(files, n))).articles


def labelled(G, node: str) -> str:
    data = G.nodes[node]
    return f"{data.get('label')} [{data.get('cls')}]"


def sample(args: argparse.Namespace) -> None:
    from kg.builder.pipeline import build_graph_from_articles

    if not CORPORA.is_dir():
        sys.exit(f"{CORPORA} not found: the audit needs ../shared/corpora")
    articles = read_sample(args.corpus, args.articles, args.seed)
    G = build_graph_from_articles(articles)
    rng = random.Random(args.seed)
    events = sorted(n for n, d in G.nodes(data=True) if d["kind"] == "event")
    relations = sorted(
        (u, v, k) for u, v, k in G.edges(keys=True) if G.nodes[u]["kind"] == "entity"
    )
    rows = []
    for node in rng.sample(events, min(args.n, len(events))):
        data = G.nodes[node]
        roles: dict[str, list[str]] = {}
        for _, obj, role in G.out_edges(node, keys=True):
            roles.setdefault(role, []).append(labelled(G, obj))
        ev = data["evidence"][0]
        rows.append(
            {
                "kind": "event",
                "class": data["cls"],
                "label": data["label"],
                "trigger": data.get("trigger"),
                "date": data.get("date"),
                "roles": {k: sorted(v) for k, v in sorted(roles.items())},
                "document": ev.doc_id,
                "sentence": ev.sentence,
                "rule": ev.rule,
                "verdict": "",
            }
        )
    for u, v, k in rng.sample(relations, min(args.n, len(relations))):
        ev = G.edges[u, v, k]["evidence"][0]
        rows.append(
            {
                "kind": "relation",
                "property": k,
                "subject": labelled(G, u),
                "object": labelled(G, v),
                "document": ev.doc_id,
                "sentence": ev.sentence,
                "rule": ev.rule,
                "verdict": "",
            }
        )
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    print(
        f"{len(articles)} articles -> {len(events)} events, {len(relations)} relations;"
        f" wrote {len(rows)} rows to {args.out}"
    )


def score(args: argparse.Namespace) -> None:
    rows = [json.loads(line) for line in args.file.read_text().splitlines() if line.strip()]
    summary = {}
    for kind, field in (("event", "class"), ("relation", "property")):
        judged = [r for r in rows if r["kind"] == kind and r.get("verdict") in ("right", "wrong")]
        right = sum(r["verdict"] == "right" for r in judged)
        by: dict[str, Counter] = {}
        for r in judged:
            by.setdefault(r[field], Counter())[r["verdict"]] += 1
        print(f"{kind}s: {right}/{len(judged)} right ({right / max(len(judged), 1):.0%})")
        for name, c in sorted(by.items(), key=lambda kv: -sum(kv[1].values())):
            print(f"  {name:28} {c['right']:3}/{c['right'] + c['wrong']}")
        summary[kind] = {"right": right, "judged": len(judged)}
    print(json.dumps(summary))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--corpus", choices=("reuters", "bbc"), default="reuters")
    s.add_argument("--articles", type=int, default=500)
    s.add_argument("--n", type=int, default=100)
    s.add_argument("--seed", type=int, default=7)
    s.add_argument("--out", type=Path, required=True)
    s.set_defaults(func=sample)
    c = sub.add_parser("score")
    c.add_argument("file", type=Path)
    c.set_defaults(func=score)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
