"""Rules as data: loading validates everything, the docs match the code, examples hold."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.builder.extract.lexicon import build_lexicon, check_unused, packaged_lexicon
from kg.builder.extract.resources import load_lexicon_and_rules, read_patterns_file
from kg.builder.extract.rules import (
    FRAMES,
    GUARDS,
    MATCHERS,
    ROLE_KEYS,
    RULE_KEYS,
    TAKES,
    RulesError,
    load_rules,
)

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs" / "patterns.md"
LEXICON, RULES = load_lexicon_and_rules()


def rule(**kw):
    base = {
        "id": "r",
        "emit": "memberOf",
        "confidence": 0.5,
        "match": {"tokens": [{"LOWER": "joined"}, {"POS": "PROPN"}]},
        "subject": {"node": "0", "take": "subjects"},
        "object": {"node": "1"},
    }
    base.update(kw)
    return base


def load_one(raw: dict) -> None:
    load_rules([("user.json", [raw])], LEXICON.lists, packaged=[])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (rule(colour="red"), "unknown key"),
        (rule(emit="hasColour"), "no relation, event class or title"),
        (rule(confidence=1.5), "confidence"),
        (rule(guards=["sometimes"]), "unknown guard"),
        (rule(subject={"node": "9"}), "not a pattern node"),
        (rule(subject={"take": "psychic"}), "unknown resolver"),
        (rule(subject={"classes": ["Planet"]}), "unknown class"),
        (rule(match={"tokens": [{"LEMMA": {"IN": "@no_such_list"}}]}), "unknown word list"),
        (rule(match={"python": "no_such_function"}), "unknown python matcher"),
        (rule(match={"regex": "x"}), "unknown matcher"),
        (rule(emit="Protest", frame="no_frame"), "unknown frame"),
        (rule(emit="Protest", requires=["weather"]), "unknown role"),
        (rule(subject={"node": "0", "colour": 1}), "unknown role key"),
    ],
)
def test_a_bad_rule_is_an_error_naming_it(raw, message):
    with pytest.raises(RulesError, match=message) as err:
        load_one(raw)
    assert "user.json" in str(err.value)


def test_bad_patterns_are_refused_by_spacy_at_load():
    raw = rule(match={"tokens": [{"NOT_AN_ATTR": "x"}, {"POS": "PROPN"}]})
    rules, _ = load_rules([("user.json", [raw])], LEXICON.lists, packaged=[])
    import spacy

    with pytest.raises(RulesError, match="bad pattern"):
        rules.matchers(spacy.blank("en").vocab)


def test_a_packaged_id_is_replaced_only_on_request():
    raw = rule(id="member-of", match={"python": "member_of"})
    with pytest.raises(RulesError, match="already used"):
        load_rules([("user.json", [raw])], LEXICON.lists)
    rules, _ = load_rules([("user.json", [{**raw, "replace": True}])], LEXICON.lists)
    assert rules.get("member-of").source == "user.json"


def test_unknown_and_unused_lexicon_entries_are_errors(tmp_path):
    bad = tmp_path / "p.json"
    bad.write_text(json.dumps({"lexicon": {"colours": {"words": ["red"]}}}))
    with pytest.raises(RulesError, match="unknown lexicon section"):
        read_patterns_file(bad)
    bad.write_text(json.dumps({"lexicon": {"title_words": {"royalty": ["duke"]}}}))
    with pytest.raises(RulesError, match="unknown key"):
        read_patterns_file(bad)
    bad.write_text(json.dumps({"events": {}}))
    with pytest.raises(RulesError, match="unknown key"):
        read_patterns_file(bad)
    raw = packaged_lexicon()
    raw["word_lists"]["lonely_words"] = ["alone"]
    with pytest.raises(RulesError, match="lonely_words"):
        check_unused(build_lexicon(raw), load_rules(words=build_lexicon(raw).lists)[1])


def test_every_packaged_word_list_is_used():
    assert LEXICON.lists and RULES.rules  # load_lexicon_and_rules checked it


def _table_keys(section_marker: str) -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    block = text.split(section_marker, 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", block, flags=re.M)


def test_docs_list_exactly_the_rule_and_role_keys():
    assert _table_keys("<!-- rule-keys") == list(RULE_KEYS)
    assert _table_keys("<!-- role-keys") == list(ROLE_KEYS)
    text = DOCS.read_text(encoding="utf-8")
    for key, meaning in {**RULE_KEYS, **ROLE_KEYS}.items():
        assert meaning in text, key


def test_every_registered_name_is_documented_in_code():
    for registry in (GUARDS, TAKES, MATCHERS, FRAMES):
        for name in registry.names():
            assert registry.doc(name), f"{registry.kind} {name} has no docstring"


def test_the_example_patterns_files_of_the_docs_load(tmp_path):
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 2
    first = json.loads(blocks[0])
    load_rules([("docs", [first])], LEXICON.lists, packaged=[])
    for i, block in enumerate(blocks[1:]):
        path = tmp_path / f"p{i}.json"
        path.write_text(block, encoding="utf-8")
        load_lexicon_and_rules([path])


# --------------------------------------------------------------------------- examples

EXAMPLES = [(r.id, ex) for r in RULES.rules for ex in r.examples]


@pytest.fixture(scope="module")
def triples_of():
    from kg.builder.pipeline import build_graph_from_articles
    from kg.model import Article

    def run(text: str) -> set[tuple[str, str, str]]:
        import datetime as dt

        G = build_graph_from_articles([Article("ex.txt", text, dt.date(2024, 5, 15))])
        label = {n: d["label"] for n, d in G.nodes(data=True)}
        out = set()
        for u, v, k in G.edges(keys=True):
            if G.nodes[u]["kind"] == "event":
                out.add((G.nodes[u]["cls"], k, label[v]))
            else:
                out.add((label[u], k, label[v]))
        return out

    return run


def _holds(triple, found) -> bool:
    """Whether a found triple matches: ``*`` is any value, ``A|B`` either (as in the gold files)."""
    return any(
        all(w == "*" or f in w.split("|") for w, f in zip(triple, t, strict=True)) for t in found
    )


@pytest.mark.model
@pytest.mark.parametrize(("rule_id", "example"), EXAMPLES, ids=[f"{r}" for r, _ in EXAMPLES])
def test_rule_examples(triples_of, rule_id, example):
    found = triples_of(example.text)
    for triple in example.expect:
        assert _holds(triple, found), f"{rule_id}: {triple} not in {sorted(found)}"
    for triple in example.reject:
        assert not _holds(triple, found), f"{rule_id}: {triple} should not be extracted"


@pytest.mark.model
def test_a_patterns_file_adds_a_whole_rule(tmp_path):
    from kg.builder.pipeline import build_graph_from_articles
    from kg.model import Article

    text = "The convoy was escorted by Denmark through the strait."
    patterns = tmp_path / "p.json"
    patterns.write_text(
        json.dumps(
            {
                "rules": [
                    {
                        "id": "escorted-by",
                        "emit": "ledBy",
                        "confidence": 0.7,
                        "match": {
                            "dependency": [
                                {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": "escort"}},
                                {
                                    "LEFT_ID": "verb",
                                    "REL_OP": ">",
                                    "RIGHT_ID": "by",
                                    "RIGHT_ATTRS": {"LOWER": "by"},
                                },
                                {
                                    "LEFT_ID": "by",
                                    "REL_OP": ">",
                                    "RIGHT_ID": "leader",
                                    "RIGHT_ATTRS": {"DEP": "pobj"},
                                },
                            ]
                        },
                        "subject": {"node": "verb", "take": "force_of"},
                        "object": {"node": "leader", "classes": ["Country"]},
                    }
                ]
            }
        )
    )
    text = "The EU naval force arrived in the Red Sea. " + text
    plain = build_graph_from_articles([Article("a.txt", text)])
    extended = build_graph_from_articles([Article("a.txt", text)], patterns=[patterns])
    rules = lambda G: {  # noqa: E731
        e.rule for _, _, d in G.edges(data=True) for e in d["evidence"]
    }
    assert "escorted-by" not in rules(plain)
    assert "escorted-by" in rules(extended)


@pytest.mark.model
@pytest.mark.slow
def test_a_new_relation_needs_the_ontology_and_one_rule_file(tmp_path):
    """Add kg:escortedBy by editing the ontology and adding one rule file: nothing else."""
    copy = tmp_path / "repo"
    shutil.copytree(
        ROOT / "kg", copy / "kg", symlinks=False, ignore=shutil.ignore_patterns("__pycache__")
    )
    onto = copy / "kg" / "ontology" / "kg.ttl"
    onto.write_text(
        onto.read_text(encoding="utf-8")
        + "\nkg:escortedBy a owl:ObjectProperty ; rdfs:subPropertyOf kg:relation ;\n"
        '    rdfs:label "escorted by"@en ;\n'
        '    rdfs:comment "A force is escorted by a state\'s ships."@en .\n',
        encoding="utf-8",
    )
    (copy / "kg" / "data" / "rules" / "escort.json").write_text(
        json.dumps(
            {
                "rules": [
                    {
                        "id": "escorted-by",
                        "emit": "escortedBy",
                        "confidence": 0.7,
                        "match": {
                            "dependency": [
                                {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": "escort"}},
                                {
                                    "LEFT_ID": "verb",
                                    "REL_OP": ">",
                                    "RIGHT_ID": "by",
                                    "RIGHT_ATTRS": {"LOWER": "by"},
                                },
                                {
                                    "LEFT_ID": "by",
                                    "REL_OP": ">",
                                    "RIGHT_ID": "leader",
                                    "RIGHT_ATTRS": {"DEP": "pobj"},
                                },
                            ]
                        },
                        "subject": {"node": "verb", "take": "force_of"},
                        "object": {"node": "leader", "classes": ["Country"]},
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    article = tmp_path / "a.txt"
    article.write_text(
        "The EU naval force arrived in the Red Sea. The convoy was escorted by Denmark.\n"
    )
    out = tmp_path / "out"
    script = f"import kg; kg.build([{str(article)!r}], {str(out)!r})"
    env = {**os.environ, "PYTHONPATH": str(copy)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    turtle = (out / "graph.nt").read_text(encoding="utf-8")
    assert "ontology#escortedBy>" in turtle
