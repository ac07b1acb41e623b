"""Unicode safety of every RDF export: real builds and generated graphs, two independent parsers.

Line and paragraph separators (U+2028, U+2029, U+0085, VT, FF, FS/GS/RS, CR), control characters
and astral characters (emoji, CJK extensions, plane 16) must stay inside their literals and IRIs:
every export parses in pyoxigraph and in rdflib (its own parsers), and both give the statements
that were written. GraphML and GEXF must stay well-formed XML.
"""

from __future__ import annotations

import json
import os
import string
import xml.etree.ElementTree as ET

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg
import kg.export.rdf as rdf
from kg.analyze.load import rdf_to_networkx
from kg.analyze.tables import graph_from_tables
from kg.builder.read import clean_text
from kg.export.tables import write_tables
from kg.export.tabular import generate_gexf, generate_graphml
from kg.model import Document, Evidence, edge_data, entity_node, event_node
from kg.rdf import rdflib_term, read_quads
from kg.vocab import KGR_NS, RELATIONS, ROLES

#: Characters that break naive writers and readers.
SEPARATORS = "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e"
CONTROLS = "\x00\x01\x07\x08\x1b\x7f\x80\x9f"
ASTRAL = "\U0001f600\U0001f1f0\U0001f1ff\U00020000\U0002a6d6\U0001d538\U0010fffd"
TRICKY = SEPARATORS + CONTROLS + ASTRAL + "\r\n\t\"'\\<>{}%#?@\ufeff\ufffe\uffff"

RDF_FORMATS = {
    "graph.ttl": ("turtle", ox.RdfFormat.TURTLE),
    "graph.nt": ("nt", ox.RdfFormat.N_TRIPLES),
    "graph.trig": ("trig", ox.RdfFormat.TRIG),
    "graph.jsonld": ("json-ld", ox.RdfFormat.JSON_LD),
}


def _rdflib_quads(text: str, fmt: str) -> set[tuple]:
    """Parse with rdflib's own parser; the statements with their graph name (None: default)."""
    ds = rdflib.Dataset()
    ds.parse(data=text, format=fmt)
    out = set()
    for s, p, o, c in ds.quads():
        name = getattr(c, "identifier", c)
        out.add((s, p, o, None if name == rdflib.graph.DATASET_DEFAULT_GRAPH_ID else name))
    return out


def _quad(statement: ox.Quad | ox.Triple) -> tuple:
    """A pyoxigraph statement in the shape of :func:`_rdflib_quads` (rdflib terms)."""
    g = statement.graph_name if isinstance(statement, ox.Quad) else None
    name = rdflib.URIRef(g.value) if isinstance(g, ox.NamedNode) else None
    return (
        *(rdflib_term(t) for t in (statement.subject, statement.predicate, statement.object)),
        name,
    )


def _oxigraph_quads(text: str, fmt: ox.RdfFormat) -> set[tuple]:
    """Parse with pyoxigraph."""
    return {_quad(q) for q in ox.parse(text.encode("utf-8"), format=fmt)}


def _written(statements: list) -> set[tuple]:
    """The statements as generated, before writing."""
    return {_quad(s) for s in statements}


def _check_texts(texts: dict[str, str], G: nx.MultiDiGraph) -> None:
    """Every RDF text parses in both parsers to exactly the statements generated for ``G``."""
    triples = _written(rdf.generate_triples(G))
    quads = _written(rdf.generate_quads(G))
    for name, (rdflib_fmt, ox_fmt) in RDF_FORMATS.items():
        expected = quads if name == "graph.trig" else triples
        assert _oxigraph_quads(texts[name], ox_fmt) == expected, name
        assert _rdflib_quads(texts[name], rdflib_fmt) == expected, name


def _check_xml(G: nx.MultiDiGraph) -> None:
    """GraphML and GEXF are well-formed XML that networkx reads back."""
    import io

    graphml, gexf = generate_graphml(G), generate_gexf(G)
    ET.fromstring(graphml.encode("utf-8"))
    ET.fromstring(gexf.encode("utf-8"))
    back = nx.read_graphml(io.BytesIO(graphml.encode("utf-8")), force_multigraph=True)
    assert sorted(back.nodes) == sorted(G.nodes)
    assert back.number_of_edges() == G.number_of_edges()
    assert nx.read_gexf(io.BytesIO(gexf.encode("utf-8"))).number_of_nodes() == len(G)


# --------------------------------------------------------------------------- real builds

ARTICLE = (
    "date 2022-01-10 Troops\u2028arrive in Kazakhstan \U0001f600\n\n"
    "Russian President Vladimir Putin said on Monday that troops from Russia, Belarus and "
    "Armenia\u2029were sent to Kazakhstan\x85 by the Collective Security Treaty Organization.\n\n"
    "The CSTO\u2028deployed 2,000 soldiers to Almaty on Thursday\x1c,\x0b a spokesman\x1d said "
    "\U00020000\U0002a6d6.\n\n"
    "Chinese Foreign Minister Wang Yi met Kazakh President Kassym-Jomart Tokayev\x07 in "
    "Astana\x1b on Tuesday \U0001f1f0\U0001f1ff.\x7f\x80\x9f\n"
)
RECORD = {
    "id": "j\u2029id\x85#1 <x> \U0001f600",
    "title": "Title\u2028with\u2029separators\x85and\x00nul \U0001f600",
    "url": "https://example.org/a\u2028b c?q=\x85\U0001f600",
    "date": "2022-01-11",
    "text": "Belarus, a member of the CSTO\u2028said on Monday that its paratroopers\u2029had "
    "arrived in Kazakhstan.\x85 French President Emmanuel Macron\x0c spoke with German "
    "Chancellor Olaf Scholz in Berlin \U0002a6d6.",
}
TEXT_ID = "a\u2028b \U0001f600.txt"


@pytest.fixture(scope="module")
def unicode_build(tmp_path_factory):
    inputs = tmp_path_factory.mktemp("unicode-in")
    (inputs / TEXT_ID).write_text(ARTICLE, encoding="utf-8")
    # raw separators inside the JSON strings (ensure_ascii=False), as some writers produce
    (inputs / "b.jsonl").write_text(json.dumps(RECORD, ensure_ascii=False) + "\n", "utf-8")
    out = tmp_path_factory.mktemp("unicode-out")
    result = kg.build([inputs], out)
    return result, out


@pytest.mark.model
def test_build_with_separators_controls_and_astral_characters(unicode_build):
    result, out = unicode_build
    # the reader replaces control characters (no XML export can carry them), with a warning
    assert result.documents == 2
    assert result.warnings and all("invalid character" in w for w in result.warnings)
    texts = {name: (out / name).read_text(encoding="utf-8") for name in RDF_FORMATS}
    _check_texts(texts, result.graph)


@pytest.mark.model
@pytest.mark.parametrize("name", sorted(RDF_FORMATS))
def test_every_export_keeps_the_odd_characters_in_both_parsers(unicode_build, name):
    _, out = unicode_build
    rdflib_fmt, ox_fmt = RDF_FORMATS[name]
    text = (out / name).read_text(encoding="utf-8")
    for quads in (_oxigraph_quads(text, ox_fmt), _rdflib_quads(text, rdflib_fmt)):
        literals = {str(o) for _, _, o, _ in quads if isinstance(o, rdflib.Literal)}
        title = clean_text(RECORD["title"])[0]  # the reader replaced the NUL
        assert title in literals and RECORD["id"] in literals and TEXT_ID in literals
        assert "Troops\u2028arrive in Kazakhstan \U0001f600" in literals
        sentences = [x for x in literals if "Kazakh" in x or "CSTO" in x or "Macron" in x]
        for char in "\u2028\u2029\x85\U00020000\U0001f1f0":
            assert any(char in x for x in sentences), (name, repr(char))
        for char in "\x0b\x0c\x1c\x1d\x07\x1b\x7f":  # replaced by the reader
            assert not any(char in x for x in literals), (name, repr(char))
        sources = {str(o) for _, p, o, _ in quads if p == rdflib.URIRef(rdf._SOURCE.value)}
        assert len(sources) == 1 and sources.pop().startswith("https://example.org/a")


@pytest.mark.model
def test_graphml_gexf_and_tables_of_the_build(unicode_build):
    result, out = unicode_build
    ET.parse(out / "graph.graphml")
    ET.parse(out / "graph.gexf")
    assert nx.read_graphml(out / "graph.graphml", force_multigraph=True).number_of_nodes() == len(
        result.graph
    )
    tables = kg.load_tables(out)
    assert clean_text(RECORD["title"])[0] in set(tables["documents"]["title"])
    from_rdf = rdf_to_networkx(read_quads(out / "graph.ttl"))
    assert list(graph_from_tables(out).nodes(data=True)) == list(from_rdf.nodes(data=True))


# --------------------------------------------------------------------------- generated graphs

# any character text can hold (lone surrogates cannot be read: the reader replaces them)
_chars = st.characters(codec="utf-8")
_text = st.text(alphabet=st.one_of(_chars, st.sampled_from(TRICKY)), max_size=24)
_name = _text.filter(bool)
_ident = st.text(alphabet=st.sampled_from(string.ascii_lowercase + "-"), min_size=1, max_size=8)
_url = st.one_of(
    st.none(),
    st.builds(lambda path: "https://example.org/" + path, _text),
    st.builds(lambda path: "http://" + path, _text),
    _text,
)
_confidence = st.floats(min_value=0, max_value=1, allow_nan=False)


@st.composite
def graphs(draw) -> nx.MultiDiGraph:
    """A small graph in the kg.model schema with arbitrary strings wherever text goes."""
    doc_ids = draw(st.lists(_name, min_size=1, max_size=3, unique=True))
    G = nx.MultiDiGraph()
    G.graph["documents"] = {
        d: Document(d, draw(st.one_of(st.none(), _text)), None, draw(_url), "") for d in doc_ids
    }

    def evidence() -> list[Evidence]:
        n = draw(st.integers(min_value=1, max_value=2))
        return [
            Evidence(
                draw(st.sampled_from(doc_ids)),
                start := draw(st.integers(min_value=0, max_value=10_000)),
                start + draw(st.integers(min_value=1, max_value=500)),
                draw(_text),
                draw(_text),
                draw(_confidence),
            )
            for _ in range(n)
        ]

    entities = []
    for i, key in enumerate(draw(st.lists(_ident, min_size=2, max_size=4, unique=True))):
        iri = f"{KGR_NS}{'person' if i % 2 else 'country'}/{key}"
        entities.append(iri)
        G.add_node(
            iri,
            **entity_node(
                draw(st.sampled_from(["Person", "Country", "Organization", "City"])),
                draw(_name),
                alt_labels=draw(st.lists(_text, max_size=3)),
                same_as=[f"http://www.wikidata.org/entity/Q{i + 1}"],
                titles=draw(st.lists(_text, max_size=2)),
                documents=draw(st.lists(st.sampled_from(doc_ids), max_size=2)),
            ),
        )
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        u, v = draw(st.sampled_from(entities)), draw(st.sampled_from(entities))
        prop = draw(st.sampled_from(RELATIONS))
        G.add_edge(u, v, key=prop, **edge_data(prop, evidence()))
    for n in range(draw(st.integers(min_value=0, max_value=2))):
        ev = evidence()
        iri = f"{KGR_NS}event/e{n}"
        G.add_node(
            iri,
            **event_node(
                "Deployment",
                draw(_name),
                documents=[e.doc_id for e in ev],
                evidence=ev,
                date=draw(st.one_of(st.none(), st.dates().map(lambda d: d.isoformat()))),
                topics=draw(st.lists(_text, max_size=2)),
                trigger=draw(_text),
            ),
        )
        role = draw(st.sampled_from(ROLES))
        G.add_edge(iri, draw(st.sampled_from(entities)), key=role, **edge_data(role, ev))
    return G


#: More examples for a bug hunt: KG_HYPOTHESIS_EXAMPLES=1000 python -m pytest tests/reliability
EXAMPLES = int(os.environ.get("KG_HYPOTHESIS_EXAMPLES", "60"))
_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@_SETTINGS
@given(G=graphs())
def test_every_rdf_writer_round_trips_generated_graphs_in_both_parsers(G):
    _check_texts(rdf.generate_rdf(G), G)


@_SETTINGS
@given(G=graphs())
def test_graphml_and_gexf_stay_well_formed_xml(G):
    _check_xml(G)


@settings(max_examples=max(EXAMPLES // 3, 10), deadline=None)
@given(G=graphs())
def test_tables_and_rdf_give_the_same_graph(G, tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    rdf.write_rdf(G, folder)
    write_tables(G, folder)
    from_rdf = rdf_to_networkx(read_quads(folder / "graph.ttl"))
    from_tables = graph_from_tables(folder)
    assert list(from_tables.nodes(data=True)) == list(from_rdf.nodes(data=True))
    assert list(from_tables.edges(keys=True, data=True)) == list(
        from_rdf.edges(keys=True, data=True)
    )
    assert from_tables.graph == from_rdf.graph


def test_writers_escape_what_the_formats_require():
    """A literal with every separator is written so that no raw CR/LF splits it."""
    G = nx.MultiDiGraph()
    G.graph["documents"] = {"d": Document("d", "a\r\nb" + SEPARATORS + CONTROLS, None)}
    texts = rdf.generate_rdf(G)
    title_lines = [line for line in texts["graph.nt"].split("\n") if "/title>" in line]
    assert len(title_lines) == 1 and "\\r\\n" in title_lines[0]
    _check_texts(texts, G)
