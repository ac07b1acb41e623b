"""Tests for kg.query.serve: a server subprocess on loopback, queried over HTTP."""

from __future__ import annotations

import base64
import csv
import hashlib
import http.client
import importlib.util
import io
import json
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.query import results as r
from kg.query import serve as s
from kg.query import sparql as q
from kg.vocab import KG, KGR, PREFIXES

pytestmark = pytest.mark.server
SPARQLWrapper = pytest.importorskip("SPARQLWrapper")

ROOT = Path(__file__).resolve().parents[1]
MAX_RESULTS = 200
TIME_LIMIT = 1.5
CLIENT_TIMEOUT = 2.0
MAX_CONNECTIONS = 30


def _sample_module():
    """Load tests/test_query.py (the hand-made graph) whatever the test package layout."""
    spec = importlib.util.spec_from_file_location("_kg_sample_graph", Path(__file__).with_name(
        "test_query.py"))  # fmt: skip
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sample = _sample_module()


@dataclass
class Server:
    url: str
    port: int
    folder: Path
    proc: subprocess.Popen
    process: object  # conftest.KgServer

    @property
    def endpoint(self) -> str:
        return self.url + "/sparql"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, kg_serve) -> Iterator[Server]:
    folder = sample.write_exports(tmp_path_factory.mktemp("exports"), ("trig", "ttl"))
    (folder / "graph.html").write_text("<!DOCTYPE html><title>graph view</title>", "utf-8")
    args = [
        "--host", "127.0.0.1", "--timeout", str(TIME_LIMIT), "--max-results", str(MAX_RESULTS),
        "--quiet", "--client-timeout", str(CLIENT_TIMEOUT),
        "--max-connections", str(MAX_CONNECTIONS),
    ]  # fmt: skip
    with kg_serve(folder, *args) as running:
        yield Server(running.url, running.port, folder, running.proc, running)
    assert running.proc.returncode is not None
    with socket.socket() as sock, pytest.raises(OSError):
        sock.settimeout(2)
        sock.connect(("127.0.0.1", running.port))


def wrapper(server: Server, text: str, fmt: str) -> SPARQLWrapper.SPARQLWrapper:
    sparql = SPARQLWrapper.SPARQLWrapper(server.endpoint)
    sparql.setTimeout(20)
    sparql.setQuery(text)
    sparql.setReturnFormat(fmt)
    return sparql


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def call(
    server: Server, method: str, path: str, body: bytes | None = None, **headers: str
) -> Reply:
    request = urllib.request.Request(server.url + path, data=body, method=method)
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    try:
        with urllib.request.urlopen(request, timeout=20) as resp:
            return Reply(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as err:
        return Reply(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


def named(name: str) -> str:
    return q.named_queries()[name].text


def get_query(query: str, **params: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query, **params})


# --------------------------------------------------------------------------- SELECT formats


def test_select_json(server: Server) -> None:
    doc = wrapper(server, named("contributors"), SPARQLWrapper.JSON).queryAndConvert()
    assert doc["head"]["vars"] == ["state", "name", "force"]
    names = [b["name"]["value"] for b in doc["results"]["bindings"]]
    assert names == sample.CONTRIBUTORS


def test_select_xml(server: Server) -> None:
    dom = wrapper(server, named("leader-title"), SPARQLWrapper.XML).queryAndConvert()
    bindings = {
        b.getAttribute("name"): b.getElementsByTagName("literal")[0].firstChild.data
        for b in dom.getElementsByTagName("binding")
        if b.getElementsByTagName("literal")
    }
    assert bindings == {"name": "Kassym-Jomart Tokayev", "title": "President"}


def test_select_csv(server: Server) -> None:
    raw = wrapper(server, named("protest-places"), SPARQLWrapper.CSV).queryAndConvert()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert rows[0] == ["place", "name"]
    assert [r[1] for r in rows[1:]] == sample.PROTEST_PLACES


def test_select_tsv(server: Server) -> None:
    raw = wrapper(server, named("dispatch-date"), SPARQLWrapper.TSV).queryAndConvert()
    lines = raw.decode("utf-8").splitlines()
    assert lines[0] == "?date\t?place\t?event"
    assert lines[1].startswith(
        '"2022-01-06"^^<http://www.w3.org/2001/XMLSchema#date>\t"Kazakhstan"'
    )


def test_ask(server: Server) -> None:
    yes = wrapper(server, f"ASK {{ ?f a <{KG.MilitaryForce}> }}", SPARQLWrapper.JSON)
    assert yes.queryAndConvert()["boolean"] is True
    no = wrapper(server, "ASK { ?s a <urn:nothing> }", SPARQLWrapper.XML).queryAndConvert()
    assert no.getElementsByTagName("boolean")[0].firstChild.data == "false"


def test_construct_turtle_and_rdfxml(server: Server) -> None:
    text = f"CONSTRUCT {{ ?s a <{KG.Country}> }} WHERE {{ ?s <{KG.contributesTo}> ?f }}"
    ttl = wrapper(server, text, SPARQLWrapper.TURTLE).queryAndConvert()
    graph = Graph().parse(data=ttl, format="turtle")
    assert len(graph) == len(sample.CONTRIBUTORS) + 1  # and the decoy contributor
    rdfxml = wrapper(server, text, SPARQLWrapper.XML).queryAndConvert()  # rdflib Graph
    assert set(rdfxml) == set(graph)
    described = wrapper(server, f"DESCRIBE <{KGR['country/armenia']}>", SPARQLWrapper.N3)
    assert "Armenia" in described.queryAndConvert().decode("utf-8")


def test_post_form_and_sparql_query_body(server: Server) -> None:
    form = wrapper(server, named("spokesperson"), SPARQLWrapper.JSON)
    form.setMethod(SPARQLWrapper.POST)
    doc = form.queryAndConvert()
    assert [b["name"]["value"] for b in doc["results"]["bindings"]] == ["Nabila Massrali"]
    direct = wrapper(server, named("requested-assistance"), SPARQLWrapper.JSON)
    direct.setMethod(SPARQLWrapper.POST)
    direct.setRequestMethod(SPARQLWrapper.POSTDIRECTLY)
    doc = direct.queryAndConvert()
    assert {b["name"]["value"] for b in doc["results"]["bindings"]} == {"Kassym-Jomart Tokayev"}
    reply = call(
        server, "POST", "/sparql", named("flagship").encode(),
        Content_Type="application/sparql-query", Accept="text/csv",
    )  # fmt: skip
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/csv")
    assert len(list(csv.reader(io.StringIO(reply.text)))) == len(sample.CONTRIBUTORS) + 2 + 1


def test_accept_and_format_negotiation(server: Server) -> None:
    query = named("deployment-place")
    reply = call(server, "GET", get_query(query), Accept="text/tab-separated-values, */*;q=0.1")
    assert reply.headers["content-type"].startswith("text/tab-separated-values")
    reply = call(server, "GET", get_query(query, format="xml"), Accept="text/csv")
    assert reply.headers["content-type"].startswith("application/sparql-results+xml")
    reply = call(server, "GET", get_query(query))
    assert json.loads(reply.body)["results"]["bindings"][0]["name"]["value"] == "Kazakhstan"
    reply = call(server, "GET", get_query(query, format="turtle"))
    assert reply.status == 406 and "not available for SELECT" in reply.text
    construct = f"CONSTRUCT WHERE {{ ?f a <{KG.MilitaryForce}> }}"
    reply = call(server, "GET", get_query(construct), Accept="application/n-triples")
    assert reply.headers["content-type"].startswith("application/n-triples")
    assert len(Graph().parse(data=reply.text, format="nt")) == 2


def test_default_graph_uri(server: Server) -> None:
    doc_b = str(KGR[f"doc/{sample.DOC_B}"])
    reply = call(
        server, "GET", get_query(named("supporting-sentence"), **{"default-graph-uri": doc_b})
    )
    sentences = [b["sentence"]["value"] for b in json.loads(reply.body)["results"]["bindings"]]
    assert sentences == [sample.SENTENCE_B]


# --------------------------------------------------------------------------- read-only


def test_updates_are_refused(server: Server) -> None:
    insert = "INSERT DATA { <urn:x> <urn:y> <urn:z> }"
    update = wrapper(server, insert, SPARQLWrapper.JSON)
    update.setMethod(SPARQLWrapper.POST)
    with pytest.raises(urllib.error.HTTPError) as info:
        update.query()
    assert info.value.code == 403 and b"read-only" in info.value.read()
    reply = call(
        server, "POST", "/sparql", insert.encode(), Content_Type="application/sparql-update"
    )
    assert reply.status == 403 and "read-only" in reply.text
    reply = call(
        server, "POST", "/sparql", insert.encode(), Content_Type="application/sparql-query"
    )
    assert reply.status == 403 and "SPARQL Update is not allowed" in reply.text
    assert (
        call(server, "GET", "/sparql?" + urllib.parse.urlencode({"update": insert})).status == 403
    )
    for method in ("PUT", "DELETE", "PATCH"):
        reply = call(server, method, "/sparql", b"", Content_Type="text/turtle")
        assert reply.status == 405 and "read-only" in reply.text
        assert "POST" in reply.headers["allow"]
    ask = wrapper(server, "ASK { <urn:x> <urn:y> <urn:z> }", SPARQLWrapper.JSON)
    assert ask.queryAndConvert()["boolean"] is False


def test_service_is_refused(server: Server) -> None:
    text = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    reply = call(server, "GET", get_query(text))
    assert reply.status == 403 and "SERVICE" in reply.text


def test_malformed_query_is_400_with_parser_message(server: Server) -> None:
    bad = "SELECT ?s WHERE { ?s ?p "
    try:
        ox.Store().query(bad)
    except SyntaxError as exc:
        parser_message = str(exc)
    sparql = wrapper(server, bad, SPARQLWrapper.JSON)
    with pytest.raises(SPARQLWrapper.SPARQLExceptions.QueryBadFormed):
        sparql.query()
    reply = call(server, "GET", get_query(bad))
    assert reply.status == 400
    assert reply.text.startswith("malformed query: error at 1:25: expected")
    shown = reply.text.removeprefix("malformed query: ").rstrip("\n").removesuffix(" …")
    assert parser_message.startswith(shown)
    reply = call(server, "GET", "/sparql")
    assert reply.status == 400 and "missing 'query'" in reply.text


def test_other_errors(server: Server) -> None:
    assert call(server, "GET", "/nothing").status == 404
    reply = call(server, "POST", "/sparql", b"query=ASK{}", Content_Type="text/plain")
    assert reply.status == 415
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    try:  # announce a huge body: refused before it is read
        conn.putrequest("POST", "/sparql")
        conn.putheader("Content-Type", "application/sparql-query")
        conn.putheader("Content-Length", "2000000")
        conn.endheaders()
        response = conn.getresponse()
        assert response.status == 413 and b"request body" in response.read()
    finally:
        conn.close()
    reply = call(server, "GET", "/", Host="attacker.example")
    assert reply.status == 403
    assert call(server, "GET", "/", Host=f"localhost:{server.port}").status == 200
    assert call(server, "GET", "/", Host=f"[::1]:{server.port}").status == 200


def raw_request(server: Server, data: bytes, wait: float = 20) -> bytes:
    """Send raw bytes on a new connection; return everything the server sends until it closes."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=wait) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_host_check_covers_the_request_target(server: Server) -> None:
    ask = urllib.parse.quote("ASK {}")
    foreign = f"GET http://attacker.example/sparql?query={ask} HTTP/1.1\r\n"
    reply = raw_request(server, f"{foreign}Host: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    assert reply.startswith(b"HTTP/1.1 403")
    local = f"GET http://127.0.0.1:{server.port}/sparql?query={ask} HTTP/1.1\r\n"
    reply = raw_request(server, f"{local}Host: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    assert reply.startswith(b"HTTP/1.1 200") and b'"boolean":true' in reply


def test_malformed_parameters_are_400(server: Server) -> None:
    ask = urllib.parse.quote("ASK {}")
    for bad in ("default-graph-uri=not%20an%20iri", "named-graph-uri=%3Cx%3E", "query=%FF"):
        reply = call(server, "GET", f"/sparql?query={ask}&{bad}")
        assert reply.status == 400, (bad, reply.status, reply.text)
    reply = call(server, "POST", "/sparql", b"\xff\xfe", Content_Type="application/sparql-query")
    assert reply.status == 400 and "UTF-8" in reply.text
    reply = call(server, "GET", f"/sparql?query={ask}&query={ask}")
    assert reply.status == 400 and "more than one" in reply.text


def test_a_body_shorter_than_its_content_length_gets_408(server: Server) -> None:
    head = (
        "POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\nASK {}"
    )
    began = time.monotonic()
    reply = raw_request(server, head.encode())
    assert reply.startswith(b"HTTP/1.1 408")
    assert CLIENT_TIMEOUT - 0.1 <= time.monotonic() - began < CLIENT_TIMEOUT + 5


def test_a_client_that_sends_no_headers_is_closed(server: Server) -> None:
    began = time.monotonic()
    assert raw_request(server, b"GET /sparql?query=ASK") == b""  # never finished its headers
    assert CLIENT_TIMEOUT - 0.1 <= time.monotonic() - began < CLIENT_TIMEOUT + 5


def test_http11_keep_alive(server: Server) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    try:
        socks = []
        for _ in range(3):
            conn.request("GET", get_query("ASK {}"))
            response = conn.getresponse()
            assert response.version == 11 and response.status == 200
            response.read()
            socks.append(conn.sock)
        assert socks[0] is not None and all(sock is socks[0] for sock in socks)
    finally:
        conn.close()


def test_connection_cap(server: Server) -> None:
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(MAX_CONNECTIONS)]
    try:
        time.sleep(0.2)
        assert call(server, "GET", get_query("ASK {}")).status == 503
    finally:
        for sock in idle:
            sock.close()
    time.sleep(0.2)
    assert call(server, "GET", get_query("ASK {}")).status == 200


# --------------------------------------------------------------------------- limits


def test_result_limit(server: Server) -> None:
    reply = call(server, "GET", get_query("SELECT * WHERE { ?s ?p ?o }"))
    assert reply.status == 413
    assert f"result exceeds {MAX_RESULTS} rows" in reply.text
    limited = call(server, "GET", get_query(f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_RESULTS}"))
    assert limited.status == 200
    assert len(json.loads(limited.body)["results"]["bindings"]) == MAX_RESULTS


def test_time_limit_stops_the_query(server: Server) -> None:
    # Produces no solution for a very long time: the query is stopped at the limit.
    slow = (
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
        'FILTER(STR(?c) = CONCAT(STR(?f), STR(?i), STR(?l), "!")) }'
    )
    began = time.monotonic()
    reply = call(server, "GET", get_query(slow))
    elapsed = time.monotonic() - began
    assert reply.status == 503
    assert f"time limit of {TIME_LIMIT:g} s" in reply.text
    assert TIME_LIMIT - 0.1 <= elapsed < TIME_LIMIT + 10
    # the server still answers, and no worker keeps computing the stopped query
    assert call(server, "GET", get_query("ASK {}")).status == 200
    before = server.process.cpu_seconds()
    time.sleep(1.0)
    after = server.process.cpu_seconds()
    busy = sum(after[p] - before.get(p, 0.0) for p in after)
    assert busy < 0.5, (before, after)


def test_runaway_memory_is_capped(server: Server, kg_serve) -> None:
    runaway = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY RAND() LIMIT 1"
    # a time limit long enough for the memory cap to strike first, even on a busy machine
    with kg_serve(server.folder, "--timeout", "120", "--memory", "120", "--quiet") as capped:
        began = time.monotonic()
        reply = call(capped, "GET", get_query(runaway))
        assert reply.status == 503 and "more than 120 MB" in reply.text, reply.text
        assert time.monotonic() - began < 100
        assert capped.rss_mb() < 1024
        assert call(capped, "GET", get_query("ASK {}")).status == 200


def test_one_answer_per_triple_and_graph_per_document(server: Server) -> None:
    armenia = "kgr:country\\/armenia"
    plain = call(server, "GET", get_query(f"SELECT ?l WHERE {{ {armenia} rdfs:label ?l }}"))
    assert [b["l"]["value"] for b in json.loads(plain.body)["results"]["bindings"]] == ["Armenia"]
    per_doc = call(
        server, "GET", get_query(f"SELECT ?g WHERE {{ GRAPH ?g {{ {armenia} rdfs:label ?l }} }}")
    )
    graphs = {b["g"]["value"] for b in json.loads(per_doc.body)["results"]["bindings"]}
    assert graphs == {str(KGR[f"doc/{sample.DOC_A}"]), str(KGR[f"doc/{sample.DOC_B}"])}


# --------------------------------------------------------------------------- pages


def test_query_page_is_self_contained(server: Server) -> None:
    reply = call(server, "GET", "/")
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/html")
    page = reply.text
    assert "<textarea" in page and 'id="run"' in page and 'id="examples"' in page
    assert "/queries.json" in page and "/sparql" in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"@import|<link\b|<iframe\b|<img\b", page, re.IGNORECASE)
    assert "innerHTML" not in page and "outerHTML" not in page and "document.write" not in page
    csp = reply.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp
    for script in re.findall(r"<script>(.*?)</script>", page, re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert page.encode() == s.QUERY_PAGE.read_bytes()


def test_queries_json_lists_named_queries(server: Server) -> None:
    items = json.loads(call(server, "GET", "/queries.json").body)
    by_name = {item["name"]: item for item in items}
    assert set(by_name) == set(q.named_queries())
    assert by_name["flagship"]["query"] == named("flagship")
    assert all(item["title"] and item["description"] for item in items)


def test_prefixes_are_predeclared(server: Server) -> None:
    assert json.loads(call(server, "GET", "/prefixes.json").body) == PREFIXES
    reply = call(server, "GET", get_query("SELECT (COUNT(*) AS ?n) WHERE { ?c a kg:Country }"))
    assert reply.status == 200
    assert json.loads(reply.body)["results"]["bindings"][0]["n"]["value"] == "8"


def test_view_serves_graph_html(server: Server) -> None:
    reply = call(server, "GET", "/view")
    assert reply.status == 200 and b"graph view" in reply.body
    head = call(server, "HEAD", "/view")
    assert head.status == 200 and head.body == b""


# --------------------------------------------------------------------------- unit level


def test_negotiate_and_accept_parsing() -> None:
    assert r.parse_accept("text/csv;q=0.5, application/sparql-results+json") == [
        "application/sparql-results+json",
        "text/csv",
    ]
    assert r.negotiate("select", "text/*", ()) == ox.QueryResultsFormat.CSV
    assert r.negotiate("graph", None, ("json-ld",)) == ox.RdfFormat.JSON_LD
    assert r.negotiate("ask", "application/xml", ()) == ox.QueryResultsFormat.XML
    assert r.negotiate("graph", "text/plain", ()) == ox.RdfFormat.N_TRIPLES
    assert r.negotiate("graph", "image/png, */*;q=0.1", ()) == ox.RdfFormat.TURTLE
    with pytest.raises(r.NotAcceptable):
        r.negotiate("select", None, ("yaml",))


# --------------------------------------------------------------------------- in a browser

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update")  # fmt: skip


@pytest.mark.browser
def test_query_page_runs_queries_in_a_browser(server: Server) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium")
    requests: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=list(BROWSER_ARGS))
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server.url + "/", timeout=20_000)
            page.locator("#examples option").nth(1).wait_for(state="attached", timeout=20_000)
            assert page.input_value("#examples") == "flagship"
            assert page.input_value("#query") == named("flagship")
            page.click("#run")
            page.wait_for_selector("#results table tbody tr", timeout=20_000)
            rows = page.locator("#results table tbody tr")
            assert rows.count() == len(sample.CONTRIBUTORS) + 2
            assert "Armenia" in rows.first.inner_text()
            # IRIs are shown as they can be pasted back (kgr: is predeclared, "/" escaped)
            assert "kgr:country\\/armenia" in rows.first.inner_text()
            assert "rows" in page.inner_text("#status")
            # a malformed query shows the parser's message, as text
            page.fill("#query", "SELECT ?s WHERE { <b>oops</b> }")
            page.click("#run")
            page.wait_for_selector("#error:not(:empty)", timeout=20_000)
            assert "400" in page.inner_text("#error")
            assert page.locator("#error b").count() == 0
        finally:
            browser.close()
    assert errors == [] or all("400" in e for e in errors), errors
    assert all(url.startswith(server.url) for url in requests), requests
