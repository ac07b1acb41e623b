"""Accuracy on the dev corpus (articles the rules were not written from) and corpus identity."""

from pathlib import Path

import pytest

import kg
from kg.eval.score import load_gold, run_eval

pytestmark = [pytest.mark.model, pytest.mark.slow]

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEV = SHARED / "corpora" / "dev"
GOLD = SHARED / "gold"
SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_8de8a0582fcf7fc5.txt"

if not DEV.is_dir() or not GOLD.is_dir():
    pytest.skip("../shared dev corpus not available", allow_module_level=True)


#: Floors under the figures measured on 2026-12-02 for these 30 articles (entity F1 0.96, fact P
#: 0.99 / F1 0.84, event recall 0.53, event precision 0.74), so that a change that loses accuracy
#: fails. They are not
#: issue 8's targets (fact F1 >= 0.85, event recall >= 0.80, event precision >= 0.85), which are
#: not met yet; ``python benchmarks/dev_scores.py`` prints the figures per article.
FLOORS = {
    "entity_f1": 0.94,
    "fact_precision": 0.95,
    "fact_f1": 0.80,
    "event_recall": 0.50,
    "event_precision": 0.70,
}


def test_dev_articles_each_built_on_its_own_stay_above_the_floors(tmp_path):
    from kg.eval.score import load_graph, score_document

    docs = []
    for article in sorted(DEV.glob("*.txt")):
        out = tmp_path / article.stem
        kg.build([article], out)
        gold = load_gold(GOLD / f"{article.stem}.json")
        docs.append(score_document(load_graph(out / "graph.ttl"), gold))
    # micro-averages: counts summed over the documents
    tp = sum(d.entities.tp for d in docs)
    fp = sum(d.entities.fp for d in docs)
    fn = sum(d.entities.fn for d in docs)
    figures = {"entity_f1": 2 * tp / (2 * tp + fp + fn)}
    tp = sum(d.facts.tp for d in docs)
    fp = sum(d.facts.fp for d in docs)
    fn = sum(d.facts.fn for d in docs)
    figures["fact_precision"] = tp / (tp + fp)
    figures["fact_f1"] = 2 * tp / (2 * tp + fp + fn)
    figures["event_recall"] = sum(d.events.found for d in docs) / sum(d.events.total for d in docs)
    figures["event_precision"] = sum(d.event_precision.found for d in docs) / sum(
        d.event_precision.total for d in docs
    )
    low = {k: round(v, 3) for k, v in figures.items() if v < FLOORS[k]}
    assert not low, f"below the floors {FLOORS}: {low}"


def test_corpus_build_has_one_node_per_thing(tmp_path):
    result = kg.build([SEED, *sorted(DEV.glob("*.txt"))], tmp_path)
    score = run_eval(sorted(GOLD.glob("*.json")), tmp_path / "graph.ttl")
    assert score.split_entities == []
    assert score.duplicates <= 5  # measured 5 on 2026-12-02 (issue 8 asks for none)
    labels = [d["label"] for _, d in result.graph.nodes(data=True) if d["kind"] == "entity"]
    for name in (
        "Russia",
        "Kazakhstan",
        "Kassym-Jomart Tokayev",
        "Collective Security Treaty Organization",
        "European Union",
    ):
        assert labels.count(name) == 1, name
    people = [d for _, d in result.graph.nodes(data=True) if d.get("cls") == "Person"]
    tokayev = [p for p in people if p["label"] == "Kassym-Jomart Tokayev"][0]
    assert len(tokayev["documents"]) == 2
