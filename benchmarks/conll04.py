"""Score kg's extraction on the CoNLL04 dev split: strict entity and relation P/R/F1.

Usage::

    python benchmarks/conll04.py [--data PATH] [--model NAME] [--limit N] [--errors 10]

Each sentence's tokens are joined with single spaces and run through the same steps as a kg
build (``nlp.pipe`` then :func:`kg.builder.extract.document.extract_document` with a context from
:func:`kg.builder.make_context`). Mentions are mapped back to CoNLL token spans by character
offsets; classes and properties are mapped to CoNLL's types (see ``CLASS_MAP`` and
``RELATION_MAP``). Nothing here tunes the extractor: it only measures it.

Relation matching: a kg relation links two entity *keys*. Its candidate spans are the
sentence's name mentions (``is_name=True``) of each key, or any mention of the key when it has
no name mention there. One kg relation is one prediction; it is correct when *any*
(subject span, object span) pair, with the mapped types, equals a not-yet-matched gold relation
(every CoNLL04 record is one sentence, so the evidence sentence cannot choose between mentions).
Relations whose subject or object has no mention in the sentence (world knowledge from the
gazetteer) cannot be expressed as spans; they are counted apart as ``unanchored``, not scored.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from a checkout without installing kg
    sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared"
DEFAULT_DATA = SHARED / "benchmarks" / "conll04" / "conll04_dev.json"

#: kg class (or a superclass of it) → CoNLL04 entity type.
CLASS_MAP: dict[str, str] = {
    "Person": "Peop",
    "Organization": "Org",
    "MilitaryForce": "Org",
    "Country": "Loc",
    "Location": "Loc",
}
#: kg property → CoNLL04 relation type.
RELATION_MAP: dict[str, str] = {
    "worksFor": "Work_For",
    "leaderOf": "Work_For",
    "spokespersonFor": "Work_For",
    "locatedIn": "Located_In",
    "basedIn": "OrgBased_In",
}
ENTITY_TYPES: tuple[str, ...] = ("Peop", "Org", "Loc")
RELATION_TYPES: tuple[str, ...] = ("Work_For", "Located_In", "OrgBased_In")
#: Published strict micro-F1 on the CoNLL04 *test* split (REBEL paper, EMNLP 2021, Table 2).
PUBLISHED: dict[str, dict[str, float | None]] = {
    "SpERT": {"relation_f1": 71.5, "entity_f1": 88.9},
    "Table-sequence": {"relation_f1": 73.6, "entity_f1": None},
    "TANL": {"relation_f1": 71.4, "entity_f1": None},
    "REBEL": {"relation_f1": 75.4, "entity_f1": None},
}

#: A typed token span: (start token, end token exclusive, type).
Span = tuple[int, int, str]
#: A typed relation between two typed spans: (head, relation type, tail).
Triple = tuple[Span, str, Span]


@dataclass(frozen=True)
class Sentence:
    """One CoNLL04 record with the entity types and relation types kept for scoring."""

    index: int
    tokens: tuple[str, ...]
    entities: frozenset[Span]
    relations: tuple[Triple, ...]
    orig_id: int | None = None

    @property
    def text(self) -> str:
        """The tokens joined by single spaces (the text kg reads)."""
        return " ".join(self.tokens)


@dataclass(frozen=True)
class PredictedRelation:
    """One kg relation mapped to CoNLL04: its type and the candidate span pairs."""

    rel_type: str
    prop: str
    subj: str
    obj: str
    pairs: tuple[tuple[Span, Span], ...]
    rule: str = ""


@dataclass
class Prediction:
    """What kg found in one sentence, in CoNLL04 terms."""

    entities: frozenset[Span]
    relations: list[PredictedRelation] = field(default_factory=list)
    unanchored: int = 0


@dataclass
class Tally:
    """True positives, false positives and false negatives per type."""

    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)

    def scores(self, types: Sequence[str]) -> dict[str, dict[str, float | int]]:
        """P/R/F1 (in %) per type and micro-averaged over ``types``."""
        out = {t: prf(self.tp[t], self.fp[t], self.fn[t]) for t in types}
        out["micro"] = prf(
            sum(self.tp[t] for t in types),
            sum(self.fp[t] for t in types),
            sum(self.fn[t] for t in types),
        )
        return out


@dataclass
class SentenceErrors:
    """Missed and spurious entities and relations of one sentence (for error analysis)."""

    sentence: Sentence
    missed_entities: list[Span]
    spurious_entities: list[Span]
    missed_relations: list[Triple]
    spurious_relations: list[PredictedRelation]
    correct_relations: list[PredictedRelation] = field(default_factory=list)


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    """Precision, recall and F1 in percent, with the counts they come from."""
    p = 100.0 * tp / (tp + fp) if tp + fp else 0.0
    r = 100.0 * tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 2), "r": round(r, 2), "f1": round(f, 2), "tp": tp, "fp": fp, "fn": fn}


def load_conll04(path: Path, limit: int | None = None) -> list[Sentence]:
    """Read a CoNLL04 JSON split (SpERT format), keeping every record in file order."""
    records = json.loads(path.read_text(encoding="utf-8"))
    if limit is not None:
        records = records[:limit]
    out = []
    for i, rec in enumerate(records):
        spans = [(e["start"], e["end"], e["type"]) for e in rec["entities"]]
        triples = tuple((spans[r["head"]], r["type"], spans[r["tail"]]) for r in rec["relations"])
        out.append(Sentence(i, tuple(rec["tokens"]), frozenset(spans), triples, rec.get("orig_id")))
    return out


def token_offsets(tokens: Sequence[str]) -> list[tuple[int, int]]:
    """Character (start, end) of each token in the space-joined text."""
    offsets, pos = [], 0
    for tok in tokens:
        offsets.append((pos, pos + len(tok)))
        pos += len(tok) + 1
    return offsets


def char_span_to_tokens(
    offsets: Sequence[tuple[int, int]], start: int, end: int
) -> tuple[int, int] | None:
    """The CoNLL tokens covering characters ``[start, end)`` (tokens only partly covered count)."""
    covered = [i for i, (s, e) in enumerate(offsets) if s < end and e > start]
    return (covered[0], covered[-1] + 1) if covered else None


def conll_type(cls: str) -> str | None:
    """CoNLL04 type of a kg class, following its superclasses (``City`` → ``Location`` → Loc)."""
    from kg.vocab import SUPERCLASS

    while cls:
        if cls in CLASS_MAP:
            return CLASS_MAP[cls]
        cls = SUPERCLASS.get(cls, "")
    return None


def map_result(sentence: Sentence, result) -> Prediction:
    """Map one :class:`~kg.model.DocResult` to typed CoNLL spans and relation candidates."""
    offsets = token_offsets(sentence.tokens)
    spans_by_key: dict[str, list[tuple[bool, Span]]] = {}
    entities: set[Span] = set()
    for m in result.mentions:
        ctype = conll_type(m.cls)
        tokens = char_span_to_tokens(offsets, m.start, m.end)
        if ctype is None or tokens is None:
            continue
        span = (tokens[0], tokens[1], ctype)
        spans_by_key.setdefault(m.key, []).append((m.is_name, span))
        if m.is_name:
            entities.add(span)
    pred = Prediction(frozenset(entities))
    seen: set[tuple[str, str, str]] = set()
    for r in result.relations:
        rel_type = RELATION_MAP.get(r.prop)
        if rel_type is None or (r.subj, rel_type, r.obj) in seen:
            continue
        seen.add((r.subj, rel_type, r.obj))
        heads, tails = _candidates(spans_by_key, r.subj), _candidates(spans_by_key, r.obj)
        if not heads or not tails:
            pred.unanchored += 1
            continue
        pairs = tuple(sorted(itertools.product(heads, tails)))
        pred.relations.append(
            PredictedRelation(rel_type, r.prop, r.subj, r.obj, pairs, r.evidence.rule)
        )
    return pred


def _candidates(spans_by_key: dict[str, list[tuple[bool, Span]]], key: str) -> list[Span]:
    """Spans of an entity's name mentions, or of all its mentions when it has no name mention."""
    found = spans_by_key.get(key, [])
    names = sorted({s for is_name, s in found if is_name})
    return names or sorted({s for _, s in found})


def score_sentence(
    sentence: Sentence, pred: Prediction, ents: Tally, rels: Tally
) -> SentenceErrors:
    """Add one sentence's counts to the tallies and return its errors."""
    gold_ents = {s for s in sentence.entities if s[2] in ENTITY_TYPES}
    for span in gold_ents & pred.entities:
        ents.tp[span[2]] += 1
    spurious = sorted(pred.entities - gold_ents)
    missed = sorted(gold_ents - pred.entities)
    for span in spurious:
        ents.fp[span[2]] += 1
    for span in missed:
        ents.fn[span[2]] += 1

    unmatched = [t for t in sentence.relations if t[1] in RELATION_TYPES]
    spurious_rels = []
    for rel in pred.relations:
        hit = next(
            (g for g in unmatched if g[1] == rel.rel_type and (g[0], g[2]) in rel.pairs), None
        )
        if hit is None:
            rels.fp[rel.rel_type] += 1
            spurious_rels.append(rel)
        else:
            rels.tp[rel.rel_type] += 1
            unmatched.remove(hit)
    for g in unmatched:
        rels.fn[g[1]] += 1
    for g in sentence.relations:
        if g[1] not in RELATION_TYPES:  # Live_In, Kill: no kg property, always missed
            rels.fn[g[1]] += 1
    correct = [r for r in pred.relations if r not in spurious_rels]
    return SentenceErrors(sentence, missed, spurious, unmatched, spurious_rels, correct)


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def entity_error_kinds(errors: Iterable[SentenceErrors]) -> dict[str, int]:
    """Classify entity errors: wrong type, wrong boundary, both, or nothing overlapping.

    A spurious span whose exact span is gold with another type (``Other`` included) is a
    ``type`` error; one overlapping a gold span of its own type is a ``boundary`` error; one
    overlapping only other-typed gold spans is ``boundary+type``; the rest are ``spurious``.
    Missed gold spans are classified the same way against the predicted spans.
    """
    kinds: Counter = Counter()
    for err in errors:
        gold = err.sentence.entities
        for span in err.spurious_entities:
            kinds["fp " + _kind(span, gold, "spurious")] += 1
        predicted = _predicted_spans(err)
        for span in err.missed_entities:
            kinds["fn " + _kind(span, predicted, "missed")] += 1
    return dict(sorted(kinds.items()))


def _predicted_spans(err: SentenceErrors) -> set[Span]:
    gold = {s for s in err.sentence.entities if s[2] in ENTITY_TYPES}
    return (gold - set(err.missed_entities)) | set(err.spurious_entities)


def _kind(span: Span, others: Iterable[Span], alone: str) -> str:
    others = list(others)
    if any(o[:2] == span[:2] for o in others):
        return "type"
    near = [o for o in others if _overlaps(o, span)]
    if any(o[2] == span[2] for o in near):
        return "boundary"
    return "boundary+type" if near else alone


def property_breakdown(errors: Iterable[SentenceErrors]) -> dict[str, dict[str, int]]:
    """Per kg property (and extraction rule): relations predicted and how many were correct."""
    out: dict[str, Counter] = {}
    for err in errors:
        for ok, rels in ((1, err.correct_relations), (0, err.spurious_relations)):
            for r in rels:
                c = out.setdefault(f"{r.prop}/{r.rule}", Counter())
                c["predicted"] += 1
                c["correct"] += ok
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


def evaluate(
    sentences: Sequence[Sentence], model: str | None = None, batch_size: int = 32
) -> tuple[dict, list[SentenceErrors]]:
    """Run kg over the sentences and score them.

    Returns:
        The report (scores, counts, model, seconds) and the errors of every sentence.
    """
    from kg.builder.extract.document import Extractor
    from kg.builder.nlp import choose_model
    from kg.model import Article

    extractor = Extractor(model)
    started = time.perf_counter()
    ents, rels = Tally(), Tally()
    errors, failures, unanchored = [], 0, 0
    other_props: Counter = Counter()
    articles = [Article(f"conll04-{s.index}", s.text, source="conll04") for s in sentences]
    results = extractor.pipe(articles, batch_size=batch_size)
    for sentence, result in zip(sentences, results, strict=True):
        if result.failed:  # a failing sentence counts as predicting nothing
            failures += 1
            result = None
        if result is not None:
            other_props.update(r.prop for r in result.relations if r.prop not in RELATION_MAP)
        pred = map_result(sentence, result) if result is not None else Prediction(frozenset())
        unanchored += pred.unanchored
        errors.append(score_sentence(sentence, pred, ents, rels))
    report = {
        "benchmark": "conll04-dev",
        "model": choose_model(model),
        "sentences": len(sentences),
        "seconds": round(time.perf_counter() - started, 2),
        "entity": ents.scores(ENTITY_TYPES),
        "relation": rels.scores(RELATION_TYPES),
        "relation_all_types": prf(
            sum(rels.tp.values()), sum(rels.fp.values()), sum(rels.fn.values())
        ),
        "entity_errors": entity_error_kinds(errors),
        "relations_by_rule": property_breakdown(errors),
        "unanchored_relations": unanchored,
        "unmapped_relations": dict(sorted(other_props.items())),
        "failed_sentences": failures,
        "published_test_split": PUBLISHED,
    }
    return report, errors


def format_table(report: dict) -> str:
    """A plain-text table of the scores next to the published ones."""
    lines = [
        f"CoNLL04 dev ({report['sentences']} sentences), model {report['model']}, "
        f"{report['seconds']} s",
        f"{'':14} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}",
    ]
    for kind in ("entity", "relation"):
        for name, s in report[kind].items():
            label = f"{kind[:3]} {name}"
            lines.append(
                f"{label:14} {s['p']:6.1f} {s['r']:6.1f} {s['f1']:6.1f} "
                f"{s['tp']:5d} {s['fp']:5d} {s['fn']:5d}"
            )
    a = report["relation_all_types"]
    lines.append(
        f"{'rel all 5':14} {a['p']:6.1f} {a['r']:6.1f} {a['f1']:6.1f} "
        f"{a['tp']:5d} {a['fp']:5d} {a['fn']:5d}   (Live_In, Kill counted as missed)"
    )
    lines.append(f"entity errors by kind: {report['entity_errors']}")
    lines.append(
        "kg relations by property/rule (correct/predicted): "
        + ", ".join(
            f"{k} {v.get('correct', 0)}/{v['predicted']}"
            for k, v in report["relations_by_rule"].items()
        )
    )
    lines.append(
        f"unanchored kg relations (an entity not mentioned in the sentence): "
        f"{report['unanchored_relations']}; other kg properties: {report['unmapped_relations']}"
    )
    lines.append("published strict micro-F1 on the TEST split (kg figures above are DEV):")
    for system, f in report["published_test_split"].items():
        ent = f"entity F1 {f['entity_f1']}" if f["entity_f1"] is not None else ""
        lines.append(f"  {system:15} relation F1 {f['relation_f1']}  {ent}".rstrip())
    lines.append("  (published: all 5 relation types and all 4 entity types, Other included)")
    return "\n".join(lines)


def _span_text(tokens: Sequence[str], span: Span) -> str:
    return f"[{' '.join(tokens[span[0] : span[1]])}]/{span[2]}"


def format_errors(errors: Iterable[SentenceErrors], limit: int) -> str:
    """The first ``limit`` sentences that have an error, with what was missed and spurious."""
    out = []
    for err in errors:
        if len(out) >= limit:
            break
        if not (
            err.missed_entities
            or err.spurious_entities
            or err.missed_relations
            or err.spurious_relations
        ):
            continue
        toks = err.sentence.tokens
        lines = [f"#{err.sentence.index}: {err.sentence.text}"]
        if err.missed_entities:
            lines.append(
                "  missed ents:   " + ", ".join(_span_text(toks, s) for s in err.missed_entities)
            )
        if err.spurious_entities:
            lines.append(
                "  spurious ents: " + ", ".join(_span_text(toks, s) for s in err.spurious_entities)
            )
        for h, t, tl in err.missed_relations:
            lines.append(f"  missed rel:    {_span_text(toks, h)} {t} {_span_text(toks, tl)}")
        for r in err.spurious_relations:
            h, tl = r.pairs[0]
            lines.append(
                f"  spurious rel:  {_span_text(toks, h)} {r.prop}->{r.rel_type} "
                f"{_span_text(toks, tl)} (rule {r.rule})"
            )
        out.append("\n".join(lines))
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> dict:
    """Command-line entry point; returns the report (also printed as a table and a JSON line)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="CoNLL04 JSON split")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: kg's choice)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--limit", type=int, default=None, help="only the first N sentences")
    parser.add_argument("--errors", type=int, default=0, help="print N sentences with errors")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        sys.exit(f"conll04: no data at {args.data} (needs ../shared next to the repository)")
    sentences = load_conll04(args.data, args.limit)
    report, errors = evaluate(sentences, args.model, args.batch_size)
    print(format_table(report))
    if args.errors:
        print(f"\nfirst {args.errors} sentences with errors:")
        print(format_errors(errors, args.errors))
    print(json.dumps(report, sort_keys=True))
    return report


if __name__ == "__main__":
    main()
