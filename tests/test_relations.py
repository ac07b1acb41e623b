"""Sentence → expected triples, written from general news language (not from the seed)."""

import datetime as dt

import pytest

from kg.model import Article

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def extract():
    from kg.builder import build_graph_from_articles

    def run(text: str, date: dt.date | None = dt.date(2023, 3, 12)):
        G = build_graph_from_articles([Article("t.txt", text, date)])
        label = {n: d["label"] for n, d in G.nodes(data=True)}
        triples = {
            (label[u], k, label[v])
            for u, v, k in G.edges(keys=True)
            if G.nodes[u]["kind"] == "entity" and G.nodes[v]["kind"] == "entity"
        }
        return G, triples

    return run


POSITIVE = [
    (
        "Soldiers from Senegal, Ghana and Nigeria are part of the ECOWAS force in Gambia.",
        [("Senegal", "contributesTo", "ECOWAS force"), ("Ghana", "contributesTo", "ECOWAS force"),
         ("Nigeria", "contributesTo", "ECOWAS force"),
         ("ECOWAS force", "partOf", "Economic Community of West African States")],
    ),
    (
        "The African Union said peacekeeping troops from the AU had been deployed to Somalia.",
        [("AU peacekeeping force", "deployedTo", "Somalia"),
         ("AU peacekeeping force", "partOf", "African Union")],
    ),
    (
        "Nigerian and Ghanaian troops joined the ECOWAS mission.",
        [("Nigeria", "contributesTo", "ECOWAS mission"), ("Ghana", "contributesTo", "ECOWAS mission")],
    ),
    (
        "French President Emmanuel Macron met German Chancellor Olaf Scholz in Berlin.",
        [("Emmanuel Macron", "leaderOf", "France"), ("Olaf Scholz", "leaderOf", "Germany")],
    ),
    (
        "Stefan Ruiz, a spokesman for the World Health Organization, declined to comment.",
        [("Stefan Ruiz", "spokespersonFor", "World Health Organization")],
    ),
    (
        "The Saudi-led coalition carried out air strikes near the port.",
        [("Saudi-led coalition", "ledBy", "Saudi Arabia")],
    ),
    (
        "Mali's government requested assistance from the United Nations after the attack.",
        [("Mali", "requestedAssistanceFrom", "United Nations")],
    ),
    (
        "Estonia, a member of NATO, hosted the talks.",
        [("Estonia", "memberOf", "NATO")],
    ),
    (
        "The Lithuanian Foreign Ministry summoned the ambassador on Monday.",
        [("Lithuanian Foreign Ministry", "partOf", "Lithuania")],
    ),
    (
        "Thousands marched in Lyon, the third-largest city in France.",
        [("Lyon", "locatedIn", "France")],
    ),
    (
        "The Organization of the Petroleum Exporting Countries is based in Vienna, Austria.",
        [("OPEC", "basedIn", "Vienna"), ("Vienna", "locatedIn", "Austria")],
    ),
]


@pytest.mark.parametrize("text,expected", POSITIVE, ids=[p[0][:40] for p in POSITIVE])
def test_relations_found(extract, text, expected):
    _, triples = extract(text)
    for triple in expected:
        assert triple in triples, f"{triple} not in {sorted(triples)}"


NEGATIVE = [
    ("Mauritania has not sent troops to the ECOWAS force.", ("Mauritania", "contributesTo")),
    ("Denmark will not take part in the NATO mission.", ("Denmark", "contributesTo")),
    ("Spain is considering sending soldiers to the EU mission in Mali.", ("Spain", "contributesTo")),
    ("Norway may send troops to the UN force.", ("Norway", "contributesTo")),
    ("Kenya refused to request assistance from the African Union.", ("Kenya", "requestedAssistanceFrom")),
    ("Poland criticised Hungary for blocking the sanctions.", ("Poland", "memberOf")),
]


@pytest.mark.parametrize("text,forbidden", NEGATIVE, ids=[n[0][:40] for n in NEGATIVE])
def test_negation_and_modality_block_relations(extract, text, forbidden):
    _, triples = extract(text)
    assert not [t for t in triples if t[:2] == forbidden], sorted(triples)


def test_titles_are_attributes(extract):
    G, _ = extract("Russian Foreign Minister Sergei Lavrov spoke to reporters in Moscow on Friday.")
    people = {d["label"]: d for _, d in G.nodes(data=True) if d.get("cls") == "Person"}
    assert "Foreign Minister" in people["Sergei Lavrov"]["titles"]


def test_event_with_resolved_weekday_date(extract):
    G, _ = extract("Protesters rallied in Paris on Thursday against the pension reform.")
    events = [d for _, d in G.nodes(data=True) if d["kind"] == "event" and d["cls"] == "Protest"]
    assert events and events[0]["date"] == "2023-03-09"
