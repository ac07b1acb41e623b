"""Where the gazetteer helps and where it hurts: entity scores with and without it.

Builds the seed and each dev article (../shared/corpora/dev, gold in ../shared/gold) twice in the
same process — once with kg's gazetteer, once with an empty one (spaCy NER and the lexicon only) —
and prints entity P/R/F1 and type accuracy per document, plus the gold entities each setting finds
that the other misses.

    python benchmarks/gazetteer_ablation.py
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def build_and_score(articles, model, gazetteer, gold_paths, out: Path):
    """Build ``articles`` with the given gazetteer and score each against its gold file."""
    from kg.builder.extract.document import Extractor
    from kg.builder.graph import build_graph
    from kg.builder.pipeline import extract_all, write_outputs
    from kg.builder.resolve import resolve
    from kg.eval.score import load_gold, load_graph, score_document
    from kg.model import Document

    extractor = Extractor(model, gazetteer=gazetteer)
    scores = {}
    for article, gold in zip(articles, gold_paths, strict=True):
        results = extract_all([article], extractor, [])
        docs = [Document(article.id, article.title, article.date, None, article.text)]
        G = build_graph(resolve(results), docs)
        folder = out / Path(article.id).stem
        write_outputs(G, folder)
        scores[article.id] = score_document(load_graph(folder / "graph.ttl"), load_gold(gold))
    return scores


def main(argv: list[str] | None = None) -> dict:
    """Run the ablation and print the comparison; returns the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    args = parser.parse_args(argv)
    if not (SHARED / "gold").is_dir():
        sys.exit("../shared is not available: nothing to measure")
    sys.path.insert(0, str(ROOT))
    from kg.builder.extract.gazetteer import Gazetteer
    from kg.builder.nlp import load_model
    from kg.builder.read import read_inputs

    paths = [ROOT / "seeds" / "000_8de8a0582fcf7fc5.txt"]
    paths += sorted((SHARED / "corpora" / "dev").glob("*.txt"))
    articles = read_inputs(paths).articles
    golds = [SHARED / "gold" / f"{Path(a.id).stem}.json" for a in articles]
    load_model(args.model)  # loaded once, shared by both extractors
    with tempfile.TemporaryDirectory() as tmp:
        with_gaz = build_and_score(
            articles, args.model, Gazetteer.default(), golds, Path(tmp) / "g"
        )
        without = build_and_score(articles, args.model, Gazetteer([]), golds, Path(tmp) / "n")

    def micro(scores):
        tp = sum(s.entities.tp for s in scores.values())
        fp = sum(s.entities.fp for s in scores.values())
        fn = sum(s.entities.fn for s in scores.values())
        found = sum(s.entity_types.found for s in scores.values())
        total = sum(s.entity_types.total for s in scores.values())
        p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        return {"P": p, "R": r, "F1": 2 * p * r / max(p + r, 1e-9), "types": found / max(total, 1)}

    print(f"{'document':40} {'F1 gaz':>7} {'F1 none':>7} {'types gaz':>9} {'types none':>10}")
    for doc_id in with_gaz:
        a, b = with_gaz[doc_id], without[doc_id]
        print(
            f"{doc_id:40} {a.entities.f1:7.2f} {b.entities.f1:7.2f} "
            f"{a.entity_types.value:9.2f} {b.entity_types.value:10.2f}"
        )
        helped = sorted(set(b.missed_entities) - set(a.missed_entities))
        hurt = sorted(set(a.missed_entities) - set(b.missed_entities))
        if helped:
            print(f"    found only with the gazetteer: {', '.join(helped)}")
        if hurt:
            print(f"    found only without it:         {', '.join(hurt)}")
        spur_a = {x.label for x in a.spurious_entities}
        spur_b = {x.label for x in b.spurious_entities}
        if spur_b - spur_a:
            print(f"    spurious only without it:      {', '.join(sorted(spur_b - spur_a))}")
        if spur_a - spur_b:
            print(f"    spurious only with it:         {', '.join(sorted(spur_a - spur_b))}")
    figures = {"with_gazetteer": micro(with_gaz), "without_gazetteer": micro(without)}
    for name, m in figures.items():
        print(
            f"micro {name:18} P={m['P']:.3f} R={m['R']:.3f} F1={m['F1']:.3f} types={m['types']:.3f}"
        )
    print(json.dumps(figures, sort_keys=True))
    return figures


if __name__ == "__main__":
    main()
