"""Bodies and places: state bodies as entities, partOf/memberOf/locatedIn/basedIn on news prose.

Sentences are written for these tests from general news usage.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kg.model import Article

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def build():
    from kg.builder.pipeline import build_graph_from_articles

    def run(text: str):
        G = build_graph_from_articles([Article("t.txt", text, dt.date(2024, 5, 15))])
        label = {n: d["label"] for n, d in G.nodes(data=True)}
        triples = {
            (label[u], k, label[v])
            for u, v, k in G.edges(keys=True)
            if G.nodes[u]["kind"] == "entity" and G.nodes[v]["kind"] == "entity"
        }
        entities = {d["label"]: d for d in G.nodes.values() if d["kind"] == "entity"}
        return triples, entities

    return run


@pytest.mark.parametrize(
    ("text", "body", "state"),
    [
        ("The Malian army retook the town on Friday.", "Malian army", "Mali"),
        ("Belarus's foreign ministry summoned him.", "Belarusian foreign ministry", "Belarus"),
        ("The Turkish parliament approved the bid.", "Turkish parliament", "Türkiye"),
        ("The Russian Ministry of Defence released it.", "Russian Ministry of Defence", "Russia"),
        ("Kosovo police escorted the mayors into the buildings.", "Kosovo police", "Kosovo"),
        ("The Sudanese army chief met the envoy.", "Sudanese army", "Sudan"),
    ],
)
def test_state_bodies_named_through_their_state(build, text, body, state):
    triples, entities = build(text)
    assert entities[body]["cls"] == "Organization"
    assert (body, "partOf", state) in triples


def test_a_possessive_and_a_demonym_name_one_body(build):
    triples, entities = build(
        "Hungary's parliament approved the treaty. The Hungarian parliament had delayed it."
    )
    bodies = [label for label in entities if "parliament" in label.lower()]
    assert len(bodies) == 1, bodies


@pytest.mark.parametrize(
    "text",
    [
        "A Turkish court jailed the journalist on Tuesday.",  # which court?
        "The Israeli ministry declined to comment.",  # which ministry?
    ],
)
def test_vague_state_bodies_are_no_entities(build, text):
    _, entities = build(text)
    assert not [label for label, d in entities.items() if d["cls"] == "Organization"]


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("U.S. Steel said output rose. U.S. Steel is based in Pittsburgh.", "U.S. Steel"),
        ("The Georgian Dream party won the vote in Georgia.", "Georgian Dream party"),
        ("The Dutch Olympic Committee picked its team.", "Dutch Olympic Committee"),
        ("The Muslim Council of Britain welcomed the decision.", "Muslim Council of Britain"),
    ],
)
def test_companies_parties_and_civil_bodies_are_part_of_no_state(build, text, wrong):
    triples, _ = build(text)
    assert not [t for t in triples if t[0] == wrong and t[1] == "partOf"]


def test_no_country_inside_a_country_name(build):
    _, entities = build("Troops from Guinea-Bissau and from Guinea Bissau arrived in Bissau.")
    assert "Guinea" not in entities
    assert entities["Guinea-Bissau"]["cls"] == "Country"


def test_a_surname_is_no_town(build):
    triples, entities = build(
        "Defense Secretary Lloyd Austin announced the plan on Monday. Austin said ships would sail."
    )
    assert "Austin" not in entities or entities["Austin"]["cls"] == "Person"
    assert not [t for t in triples if t[0] == "Austin" and t[1] == "locatedIn"]


def test_a_city_abroad_must_be_known_by_that_name(build):
    _, entities = build("Stores in Florida and Maine were closed on Friday.")
    for name in ("Florida", "Maine"):
        assert entities[name]["label"] == name  # no Colombian or Illinois city


def test_world_knowledge_alone_places_nothing(build):
    triples, _ = build(
        "The United States wants a vote. Washington has increased the pressure. "
        "The European Union agreed. Brussels has warned that time is short."
    )
    assert ("Washington", "locatedIn", "United States") not in triples
    assert ("European Union", "basedIn", "Brussels") not in triples


def test_the_text_places_cities(build):
    triples, _ = build(
        "Peru's government declared an emergency in the capital, Lima. Protests in Peru spread "
        "to the southern cities of Cusco and Puno. Peru's president said Peru would not yield."
    )
    for city in ("Lima", "Cusco", "Puno"):
        assert (city, "locatedIn", "Peru") in triples, city


def test_seats_are_said_of_their_own_noun(build):
    triples, _ = build(
        "The group's units include Alder Corp, based in Cleveland, which employs 800 people; "
        "Birch Corp, based in Dayton, which employs 700 people."
    )
    assert ("Alder Corp", "basedIn", "Cleveland") in triples
    assert ("Birch Corp", "basedIn", "Cleveland") not in triples


def test_membership_lists(build):
    triples, _ = build(
        "BRICS leaders met in Johannesburg. BRICS said the five current members, Brazil, Russia, "
        "India, China and South Africa, had agreed on the rules."
    )
    for country in ("Brazil", "Russia", "India", "China", "South Africa"):
        assert (country, "memberOf", "BRICS") in triples, country


def test_future_or_former_membership_is_no_fact(build):
    triples, _ = build(
        "Ukraine has applied to join NATO. Norway, a former member of the bloc, declined to "
        "comment, and Iran is expected to become the group's ninth member next year."
    )
    assert not [t for t in triples if t[1] == "memberOf"]
