"""Event recall and precision per class on the gold articles, each built on its own (SPEC §4).

usage: python benchmarks/event_classes.py [--only 17-40] [--details] [--out FILE.json]

Recall per class counts the gold events of that class found; precision per class counts the event
nodes of that class some gold event agrees with (``kg.eval.score``). ``--details`` prints every
wrong event with its rule, trigger, roles and sentence, and every missed gold event.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
SHARED = ROOT.parent / "shared"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="range of article numbers, e.g. 17-40")
    parser.add_argument("--details", action="store_true")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--gold", type=Path, help="gold folder (default ../shared/gold)")
    parser.add_argument("--articles", type=Path, action="append", help="article folders")
    args = parser.parse_args()

    from dev_scores import parse_range, prefix_number

    from kg.builder.pipeline import build_graph_from_articles
    from kg.builder.read import read_inputs
    from kg.eval.score import load_gold, score_document
    from kg.export.rdf import to_graph

    gold_dir = args.gold or SHARED / "gold"
    if not gold_dir.is_dir():
        sys.exit(f"{gold_dir} not found")
    rng = parse_range(args.only)
    folders = args.articles or [
        SHARED / "corpora" / "dev",
        SHARED / "seeds",
        ROOT / "tests" / "data" / "heldout",
    ]
    recall: dict[str, list[int]] = {}
    precision: dict[str, list[int]] = {}
    docs = []
    for path in sorted(gold_dir.glob("*.json")):
        gold = load_gold(path)
        n = prefix_number(gold.document)
        if rng and (n is None or not rng[0] <= n <= rng[1]):
            continue
        article = next((d / gold.document for d in folders if (d / gold.document).is_file()), None)
        if article is None:
            continue
        G = build_graph_from_articles(read_inputs([article]).articles)
        score = score_document(to_graph(G), gold)
        for cls, ratio in score.events_by_type.items():
            tally = recall.setdefault(cls, [0, 0])
            tally[0] += ratio.found
            tally[1] += ratio.total
        wrong = {iri for iri, _, _ in score.wrong_events}
        events = []
        for iri, data in sorted(G.nodes(data=True)):
            if data.get("kind") != "event":
                continue
            tally = precision.setdefault(data["cls"], [0, 0])
            tally[0] += iri not in wrong
            tally[1] += 1
            roles: dict[str, list[str]] = {}
            for _, obj, role in G.out_edges(iri, keys=True):
                roles.setdefault(role, []).append(G.nodes[obj].get("label"))
            ev = data["evidence"][0]
            events.append(
                {
                    "class": data["cls"],
                    "right": iri not in wrong,
                    "date": data.get("date"),
                    "roles": roles,
                    "rule": ev.rule,
                    "trigger": data.get("trigger"),
                    "sentence": ev.sentence,
                }
            )
        missed = [{k: v for k, v in e.__dict__.items() if v} for e in score.missed_events]
        docs.append({"document": gold.document, "events": events, "missed": missed})
        if args.details:
            print(f"== {gold.document}")
            for e in events:
                if not e["right"]:
                    print(f"  WRONG {e['class']} {e['rule']} [{e['trigger']}] {e['date']}")
                    print(f"        {e['roles']} | {e['sentence'][:200]}")
            for m in missed:
                print(f"  MISSED {m}")
    found = sum(v[0] for v in recall.values())
    total = sum(v[1] for v in recall.values())
    right = sum(v[0] for v in precision.values())
    nodes = sum(v[1] for v in precision.values())
    print(f"{'class':22} {'recall':>10} {'precision':>10}")
    for cls in sorted(set(recall) | set(precision)):
        r, p = recall.get(cls, [0, 0]), precision.get(cls, [0, 0])
        print(f"{cls:22} {r[0]:4}/{r[1]:<5} {p[0]:4}/{p[1]:<5}")
    print(f"{'all':22} {found:4}/{total:<5} {right:4}/{nodes:<5}")
    summary = {
        "event_recall": round(found / total, 6) if total else None,
        "event_precision": round(right / nodes, 6) if nodes else None,
        "recall_by_class": recall,
        "precision_by_class": precision,
    }
    if args.out:
        args.out.write_text(
            json.dumps({"summary": summary, "documents": docs}, indent=1, sort_keys=True) + "\n"
        )
    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    main()
