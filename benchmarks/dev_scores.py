"""Score kg on gold articles, each built on its own (SPEC §4), and record the figures per article.

usage: python benchmarks/dev_scores.py [--gold DIR] [--articles DIR ...] [--only 17-40]
                                      [--out benchmarks/results/NAME.json] [--details]

Articles are found by the gold file's ``document`` name in the given folders (default: the dev
corpus and seeds of ``../shared``, and ``tests/data/heldout``). The model is loaded once; each
article is built in memory and scored as its own graph.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"


def parse_range(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    lo, _, hi = text.partition("-")
    return int(lo), int(hi or lo)


def prefix_number(name: str) -> int | None:
    head = name.split("_", 1)[0]
    return int(head) if head.isdigit() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, action="append")
    parser.add_argument("--articles", type=Path, action="append")
    parser.add_argument("--only", help="range of article numbers, e.g. 17-40")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--details", action="store_true", help="print misses and spurious items")
    parser.add_argument(
        "--by-property", action="store_true", help="print fact P/R/F1 per property (micro)"
    )
    parser.add_argument("--model")
    args = parser.parse_args()

    from kg.builder.pipeline import build_graph_from_articles
    from kg.builder.read import read_inputs
    from kg.eval.score import _sum_prf, _sum_ratio, load_gold, score_document
    from kg.export.rdf import to_graph

    gold_dirs = args.gold or [SHARED / "gold"]
    art_dirs = args.articles or [
        SHARED / "corpora" / "dev",
        SHARED / "seeds",
        ROOT / "tests/data/heldout",
    ]
    rng = parse_range(args.only)
    golds = []
    for d in gold_dirs:
        for path in sorted(d.glob("*.json")):
            gold = load_gold(path)
            n = prefix_number(gold.document)
            if rng and (n is None or not rng[0] <= n <= rng[1]):
                continue
            article = next(
                (a / gold.document for a in art_dirs if (a / gold.document).is_file()), None
            )
            if article is None:
                continue
            golds.append((gold, article))
    if not golds:
        sys.exit("no gold article found (is ../shared there?)")
    rows = []
    scores = []
    started = time.perf_counter()
    for gold, article in golds:
        read = read_inputs([article])
        warnings: list[str] = []
        G = build_graph_from_articles(read.articles, model=args.model, warnings=warnings)
        for w in warnings:
            print(f"WARNING {w}", file=sys.stderr)
        score = score_document(to_graph(G), gold)
        scores.append(score)
        row = {
            "document": gold.document,
            "entity_f1": score.entities.f1,
            "entity": [score.entities.tp, score.entities.fp, score.entities.fn],
            "fact_p": score.facts.precision,
            "fact_r": score.facts.recall,
            "fact_f1": score.facts.f1,
            "fact": [score.facts.tp, score.facts.fp, score.facts.fn],
            "event_recall": [score.events.found, score.events.total],
            "event_precision": [score.event_precision.found, score.event_precision.total],
            "duplicates": len(score.duplicates),
        }
        rows.append(row)
        if args.details:
            print(f"== {gold.document}")
            print("  missed entities:", score.missed_entities)
            print("  spurious entities:", [(s.label, s.reason) for s in score.spurious_entities])
            print("  wrong types:", [(w.entity, w.found, w.expected) for w in score.wrong_types])
            print("  missed facts:", score.missed_facts)
            print(
                "  spurious facts:",
                [(f.subject, f.property, f.object) for f in score.spurious_facts],
            )
            print(
                "  missed events:",
                [{k: v for k, v in e.__dict__.items() if v} for e in score.missed_events],
            )
            print("  wrong events:", [(c, lab) for _, c, lab in score.wrong_events])
    ent = _sum_prf(s.entities for s in scores)
    facts = _sum_prf(s.facts for s in scores)
    ev = _sum_ratio(s.events for s in scores)
    evp = _sum_ratio(s.event_precision for s in scores)
    dup = sum(len(s.duplicates) for s in scores)
    print(
        f"{'document':44} {'entF1':>5} {'factP':>5} {'factR':>5} {'factF1':>6} "
        f"{'evR':>7} {'evP':>7} dup"
    )
    for r in rows:
        print(
            f"{r['document'][:44]:44} {r['entity_f1']:5.2f} {r['fact_p']:5.2f} {r['fact_r']:5.2f}"
            f" {r['fact_f1']:6.2f} {r['event_recall'][0]:3}/{r['event_recall'][1]:<3}"
            f" {r['event_precision'][0]:3}/{r['event_precision'][1]:<3} {r['duplicates']}"
        )
    summary = {
        "documents": len(rows),
        "entity_f1": ent.f1,
        "fact_precision": facts.precision,
        "fact_recall": facts.recall,
        "fact_f1": facts.f1,
        "event_recall": ev.value,
        "event_precision": evp.value,
        "duplicates": dup,
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(
        f"{'micro':44} {ent.f1:5.2f} {facts.precision:5.2f} {facts.recall:5.2f} {facts.f1:6.2f}"
        f" {ev.value:7.2f} {evp.value:7.2f} {dup}"
    )
    if args.by_property:
        props: dict = {}
        for s in scores:
            for prop, prf in s.facts_by_property.items():
                props[prop] = props.get(prop, _sum_prf([])) + prf
        for prop, prf in sorted(props.items()):
            print(
                f"{prop:26} tp {prf.tp:3} fp {prf.fp:3} fn {prf.fn:3}"
                f"  P {prf.precision:.2f} R {prf.recall:.2f} F1 {prf.f1:.2f}"
            )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"summary": summary, "articles": rows}, indent=2) + "\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
