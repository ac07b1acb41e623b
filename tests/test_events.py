"""Sentence → expected event (class, roles, date), written from general news language."""

import datetime as dt

import pytest

from kg.model import Article

pytestmark = pytest.mark.model

ANCHOR = dt.date(2023, 3, 12)  # a Sunday


@pytest.fixture(scope="module")
def events():
    from kg.builder.pipeline import build_graph_from_articles

    def run(text: str):
        G = build_graph_from_articles([Article("e.txt", text, ANCHOR)])
        out = []
        for n, d in G.nodes(data=True):
            if d["kind"] != "event":
                continue
            roles = {
                role: {G.nodes[v]["label"] for _, v, k in G.out_edges(n, keys=True) if k == role}
                for role in ("agent", "target", "place")
            }
            out.append((d["cls"], roles, d["date"]))
        return out

    return run


CASES = [
    (
        "The United States said it would respond. Afghanistan's president asked Washington "
        "for help on Monday.",
        "Request",
        {"target": "United States"},
        None,
    ),
    (
        "Rioters torched shops in Lima's main square on Friday.",
        "Riot",
        {"place": "Lima"},
        "2023-03-10",
    ),
    (
        "Troops from the regional force began arriving in Bamako on Tuesday.",
        "Deployment",
        {"place": "Bamako"},
        "2023-03-07",
    ),
    (
        "Prime Minister Jan Novak announced his resignation on Wednesday.",
        "Resignation",
        {"agent": "Jan Novak"},
        "2023-03-08",
    ),
    (
        "President Ana Lopes declared a state of emergency in Peru.",
        "EmergencyDeclaration",
        {"agent": "Ana Lopes", "place": "Peru"},
        None,
    ),
    (
        "Thousands of people protested in Tbilisi against the bill, the interior ministry said.",
        "Protest",
        {"place": "Tbilisi"},
        None,
    ),
    (
        "Shipping in the strait was disrupted, according to the International Maritime "
        "Organization.",
        "Statement",
        {"agent": "International Maritime Organization"},
        "2023-03-12",
    ),
]


@pytest.mark.parametrize("text,cls,roles,date", CASES, ids=[c[1] for c in CASES])
def test_event_found_with_roles(events, text, cls, roles, date):
    found = [e for e in events(text) if e[0] == cls]
    assert found, events(text)
    ok = [
        e
        for e in found
        if all(value in e[1][role] for role, value in roles.items())
        and (date is None or e[2] == date)
    ]
    assert ok, found


def test_negated_event_is_not_extracted(events):
    assert not [e for e in events("The army did not attack the town of Goma.") if e[0] == "Attack"]
