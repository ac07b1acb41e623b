"""Graphs for the view's tests and benchmark (kg.model schema): seed-like, hostile, corpus-sized.

``news_graph`` makes a synthetic corpus graph of a given size whose shape follows a real build of
news (Reuters-21578: 19,043 documents, 38,792 entities, 47,477 events of which 36,241 statements,
7,011 relations: 0.18 per entity; 85 % of events with one participant, 9 % with two; mentions
heavy-tailed). Its
text is made of generated pseudo-words: no article text is copied.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass

import networkx as nx

from kg.model import Document, Evidence, edge_data, entity_node, event_node
from kg.vocab import KGR_NS, RELATIONS

DOC = "000_8de8a0582fcf7fc5.txt"
KGR = KGR_NS
XSS = (
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '"></script><script>window.__pwned=1</script>',
)
CONTRIB = (
    "It also stated that among the CSTO's peacekeeping forces are military units from Russia, "
    "Belarus and Armenia."
)


# ---------------------------------------------------------------- small hand-made graphs
def _ev(sentence: str, rule: str = "rule", start: int = 0, conf: float = 0.8, doc=DOC) -> Evidence:
    return Evidence(doc, start, start + len(sentence), sentence, rule, conf)


def _entity(G: nx.MultiDiGraph, iri: str, cls: str, label: str, **kw) -> None:
    G.add_node(
        iri,
        **entity_node(
            cls,
            label,
            alt_labels=kw.get("alt", ()),
            same_as=kw.get("same_as", ()),
            titles=kw.get("titles", ()),
            documents=kw.get("documents", (DOC,)),
        ),
    )


def _edge(G: nx.MultiDiGraph, u: str, prop: str, v: str, *sentences: str) -> None:
    evidence = [_ev(s, start=10 * i) for i, s in enumerate(sentences)]
    G.add_edge(u, v, key=prop, **edge_data(prop, evidence))


def sample_view_graph() -> nx.MultiDiGraph:
    """A small graph in the shape of the seed article: 10 nodes, 14 edges, two events."""
    G = nx.MultiDiGraph()
    G.graph["documents"] = {
        DOC: Document(DOC, "Peacekeeping forces arrive", dt.date(2022, 1, 9), None, "text")
    }
    csto = KGR + "organization/collective-security-treaty-organization"
    force = KGR + "militaryforce/csto-peacekeeping-force"
    kaz = KGR + "country/kazakhstan"
    _entity(G, csto, "Organization", "Collective Security Treaty Organization", alt=["CSTO"])
    _entity(G, force, "MilitaryForce", "CSTO peacekeeping force", alt=["peacekeeping forces"])
    _entity(
        G,
        kaz,
        "Country",
        "Kazakhstan",
        alt=["Kazakh", "Kazakhstani"],
        same_as=["http://www.wikidata.org/entity/Q232", "https://sws.geonames.org/1522867/"],
    )
    for name, q in (("Russia", "Q159"), ("Belarus", "Q184"), ("Armenia", "Q399")):
        iri = KGR + "country/" + name.lower()
        _entity(G, iri, "Country", name, same_as=[f"http://www.wikidata.org/entity/{q}"])
        _edge(G, iri, "contributesTo", force, CONTRIB)
        _edge(G, iri, "memberOf", csto, f"{name} is a member of the CSTO.")
    tok = KGR + "person/kassym-jomart-tokayev"
    _entity(G, tok, "Person", "Kassym-Jomart Tokayev", alt=["Tokayev"], titles=["President"])
    almaty = KGR + "city/almaty"
    _entity(G, almaty, "City", "Almaty")
    _edge(G, tok, "leaderOf", kaz, "Kazakh President Kassym-Jomart Tokayev said so.")
    _edge(
        G, tok, "requestedAssistanceFrom", csto, "Tokayev had requested assistance from the CSTO."
    )
    _edge(G, force, "deployedTo", kaz, "The CSTO peacekeeping forces were sent to Kazakhstan.")
    _edge(G, almaty, "locatedIn", kaz, "Almaty, the largest city of Kazakhstan, saw riots.")
    _edge(G, force, "partOf", csto, "The force of the CSTO arrived.")
    event = KGR + f"event/{DOC}-214-deployment"
    G.add_node(
        event,
        **event_node(
            "Deployment",
            "Deployment: dispatched",
            documents=(DOC,),
            date="2022-01-06",
            topics=("unrest",),
            trigger="dispatched",
            evidence=(_ev("The CSTO dispatched peacekeepers to Kazakhstan.", "event-deploy"),),
        ),
    )
    _edge(G, event, "agent", csto, "The CSTO dispatched peacekeepers to Kazakhstan.")
    _edge(G, event, "place", kaz, "The CSTO dispatched peacekeepers to Kazakhstan.")
    protest = KGR + f"event/{DOC}-50-protest"
    G.add_node(
        protest,
        **event_node(
            "Protest",
            "Protest in Kazakhstan",
            documents=(DOC,),
            topics=("fuel prices",),
            trigger="protests",
            evidence=(_ev("Protests over fuel prices swept Kazakhstan.", "event-protest", 50),),
            confidence=0.7,
        ),
    )
    _edge(G, protest, "place", kaz, "Protests over fuel prices swept Kazakhstan.")
    return G


def xss_graph() -> nx.MultiDiGraph:
    """A graph whose labels, aliases, titles, documents and sentences are hostile markup.

    Two entities linked by a relation and by a shared event, plus an isolated one, so that both
    views draw every hostile string in a tooltip, a panel, a timeline and a search result.
    """
    G = nx.MultiDiGraph()
    G.graph["documents"] = {
        DOC: Document(DOC, XSS[0] + " headline", dt.date(2020, 1, 2), "javascript:window.__pwned=1")
    }
    a, b, c = KGR + "person/a", KGR + "organization/b", KGR + "person/c"
    _entity(
        G,
        a,
        "Person",
        XSS[0],
        alt=[XSS[1], XSS[2]],
        titles=[XSS[1]],
        same_as=["javascript:window.__pwned=1", "http://www.wikidata.org/entity/Q1"],
    )
    _entity(G, b, "Organization", XSS[2], alt=["Org \u2028 with line separator &amp;"])
    _entity(G, c, "Person", XSS[1] + " alone", alt=[XSS[0] + " alias"])
    _edge(G, a, "worksFor", b, *XSS)
    event = KGR + f"event/{DOC}-0-meeting"
    G.add_node(
        event,
        **event_node(
            "Meeting",
            XSS[1] + " meeting",
            documents=(DOC,),
            trigger=XSS[0],
            topics=(XSS[2],),
            evidence=(_ev(XSS[2] + " met " + XSS[0], "event-meeting"),),
        ),
    )
    G.add_edge(event, a, key="agent", **edge_data("agent", [_ev(XSS[2])]))
    G.add_edge(event, b, key="participant", **edge_data("participant", [_ev(XSS[2])]))
    return G


# ---------------------------------------------------------------- synthetic corpus graphs
_ONSETS = ("b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "st")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou")
_CODAS = ("", "", "n", "r", "s", "l", "t", "m", "nd")
_CLASSES = (
    ("Organization", 0.42),
    ("Person", 0.28),
    ("Location", 0.12),
    ("Country", 0.05),
    ("City", 0.08),
    ("Region", 0.05),
)
_EVENTS = ("Agreement", "Meeting", "Election", "Attack", "Protest", "Request", "Resignation")


@dataclass(frozen=True)
class Shape:
    """How big a synthetic corpus graph is."""

    documents: int
    entities: int
    events: int
    statements: float = 0.76
    relations_per_entity: float = 0.18
    first_day: dt.date = dt.date(1987, 2, 26)
    days: int = 240


#: Sizes of a full Reuters-21578 build (86,269 nodes) and of 200 BBC articles.
REUTERS = Shape(documents=19_043, entities=38_792, events=47_477)
BBC200 = Shape(documents=200, entities=1_253, events=981, first_day=dt.date(2004, 1, 1), days=500)


class _Words:
    """Deterministic pseudo-words and sentences."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lexicon = [self.word() for _ in range(2000)]

    def word(self) -> str:
        r = self.rng
        return "".join(
            r.choice(_ONSETS) + r.choice(_VOWELS) + r.choice(_CODAS) for _ in range(r.randint(1, 3))
        )

    def name(self) -> str:
        return " ".join(self.word().capitalize() for _ in range(self.rng.choice((1, 2, 2, 3))))

    def sentence(self, *names: str) -> str:
        r = self.rng
        words = [r.choice(self.lexicon) for _ in range(r.randint(14, 34))]
        for name in names:
            words.insert(r.randint(0, len(words)), name)
        return " ".join(words).capitalize() + "."


def news_graph(shape: Shape, seed: int = 1) -> nx.MultiDiGraph:
    """A synthetic corpus graph of ``shape`` in the kg.model schema (deterministic for a seed)."""
    rng = random.Random(seed)
    words = _Words(rng)
    G = nx.MultiDiGraph()
    docs = [f"doc{d:05d}" for d in range(shape.documents)]
    G.graph["documents"] = {
        d: Document(
            d,
            words.sentence()[:60].strip(),
            shape.first_day + dt.timedelta(days=rng.randrange(shape.days)),
            f"https://news.example/{d}" if i % 3 == 0 else None,
        )
        for i, d in enumerate(docs)
    }
    classes = [c for c, _ in _CLASSES]
    weights = [w for _, w in _CLASSES]
    ents: list[tuple[str, str, str]] = []
    for i in range(shape.entities):
        cls = rng.choices(classes, weights)[0]
        label = words.name()
        ents.append((f"{KGR}{cls.lower()}/e{i:05d}", cls, label))
    popularity = list(itertools.accumulate(1.0 / (i + 8) ** 1.05 for i in range(shape.entities)))
    mentions: list[set[str]] = [set() for _ in ents]
    per_doc: list[list[int]] = []
    for d in docs:
        k = min(2 + int(rng.expovariate(1 / 4)), 40)
        chosen = sorted(set(rng.choices(range(shape.entities), cum_weights=popularity, k=k)))
        per_doc.append(chosen)
        for e in chosen:
            mentions[e].add(d)
    for e, m in enumerate(mentions):  # every entity is mentioned somewhere
        if not m:
            d = rng.randrange(shape.documents)
            m.add(docs[d])
            per_doc[d].append(e)
    for e, (iri, cls, label) in enumerate(ents):
        alt = [label.split()[0]] if " " in label and rng.random() < 0.3 else []
        G.add_node(iri, **entity_node(cls, label, alt_labels=alt, documents=mentions[e]))

    def evidence(d: int, rule: str, *names: str) -> Evidence:
        text = words.sentence(*names)
        start = rng.randrange(4000)
        return Evidence(docs[d], start, start + len(text), text, rule, rng.choice((0.6, 0.7, 0.8)))

    for _ in range(int(shape.entities * shape.relations_per_entity)):
        d = rng.randrange(shape.documents)
        if len(per_doc[d]) < 2:
            continue
        a, b = rng.sample(per_doc[d], 2)
        prop = rng.choice(RELATIONS)
        ev = evidence(d, "rel-" + prop, ents[a][2], ents[b][2])
        if G.has_edge(ents[a][0], ents[b][0], key=prop):
            old = G.edges[ents[a][0], ents[b][0], prop]["evidence"]
            G.add_edge(ents[a][0], ents[b][0], key=prop, **edge_data(prop, (*old, ev)))
        else:
            G.add_edge(ents[a][0], ents[b][0], key=prop, **edge_data(prop, [ev]))
    for v in range(shape.events):
        d = rng.randrange(shape.documents)
        cls = "Statement" if rng.random() < shape.statements else rng.choice(_EVENTS)
        n = rng.choices((0, 1, 2, 3), (0.05, 0.85, 0.088, 0.012))[0]
        players = list(dict.fromkeys(rng.choice(per_doc[d]) for _ in range(n)))
        ev = evidence(d, "event-" + cls.lower(), *(ents[p][2] for p in players))
        who = ents[players[0]][2] if players else "someone"
        date = G.graph["documents"][docs[d]].date if rng.random() < 0.4 else None
        iri = f"{KGR}event/{docs[d]}-{v}-{cls.lower()}"
        G.add_node(
            iri,
            **event_node(
                cls, f"{cls} by {who}", documents=[docs[d]], evidence=[ev], date=date, trigger="x"
            ),
        )
        for p, role in zip(players, ("agent", "target", "place"), strict=False):
            G.add_edge(iri, ents[p][0], key=role, **edge_data(role, [ev]))
    return G
