"""Shared pytest fixtures.

``sample_graph`` is a small hand-made knowledge graph that follows the in-memory schema of
:mod:`kg.model` exactly (node/edge attributes, ``G.graph["documents"]``), built from real
sentences of the seed article plus a short second article, with correct character offsets. It is
what the extraction pipeline should produce for those sentences, so exporters, the view, the
analytics and the evaluator can be tested without spaCy.

Contents (IRIs under ``https://w3id.org/newskg/id/``):

* documents ``000_8de8a0582fcf7fc5.txt`` (the seed, 2022-01-09; ``SEED_DOC``) and
  ``001_belarus_csto.txt`` (a short follow-up, 2022-01-10, with a URL; ``SECOND_DOC``);
* countries Kazakhstan (Wikidata + GeoNames links, alt labels), Russia, Belarus, Armenia,
  Tajikistan, Kyrgyzstan (Wikidata links);
* organisation ``organization/collective-security-treaty-organization`` (alt label "CSTO");
* military force ``militaryforce/csto-peacekeeping-force``;
* person ``person/kassym-jomart-tokayev`` with title "President";
* region ``region/mangystau`` and city ``city/aktau``;
* relations, each with :class:`~kg.model.Evidence`: the five states ``contributesTo`` the force
  (Russia twice in the seed, Belarus once in each document), force ``partOf`` CSTO and
  ``deployedTo`` Kazakhstan, CSTO ``ledBy`` Russia, Belarus ``memberOf`` CSTO (second document),
  Tokayev ``leaderOf`` Kazakhstan and ``requestedAssistanceFrom`` CSTO, Mangystau ``locatedIn``
  Kazakhstan, Aktau ``locatedIn`` Mangystau;
* events: a ``Deployment`` (agent CSTO, participant the force, place Kazakhstan, date
  2022-01-06, topic "unrest") and an undated ``Request`` (agent Tokayev, target CSTO); their role
  edges carry the event's evidence.

The expected answer of the flagship question on it is Russia, Belarus, Armenia, Tajikistan and
Kyrgyzstan (``FLAGSHIP_STATES``).

``kg_serve`` starts a real ``kg serve`` subprocess on loopback (see :class:`KgServer`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest

from kg.model import Document, Evidence
from kg.vocab import KGR

SEED_DOC = "000_8de8a0582fcf7fc5.txt"
SECOND_DOC = "001_belarus_csto.txt"
FLAGSHIP_STATES = ("Armenia", "Belarus", "Kyrgyzstan", "Russia", "Tajikistan")

# sentences of the seed article (text as in Article.text: header removed, paragraphs kept)
_S_STATIONED = (
    "Peacekeeping forces from the Collective Security Treaty Organization are stationed in "
    "Kazakhstan."
)
_S_DEMONYMS = (
    "Russian, Belarussian, Armenian, Tajik, and Kyrgyz military units are among the forces."
)
_S_DISPATCHED = (
    "On Thursday, a Russia-led military alliance dispatched peacekeeping troops to Kazakhstan, "
    "where massive riots erupted as a result of nationwide protests over high fuel prices, "
    "prompting the government’s resignation and the declaration of a state of emergency."
)
_S_AMONG = (
    "It also stated that among the CSTO’s peacekeeping forces are military units from Russia, "
    "Belarus, Armenia, Tajikistan, and Kyrgyzstan."
)
_S_REQUESTED = (
    "Kazakh President Kassym-Jomart Tokayev had previously requested assistance from the CSTO, a "
    "military alliance made up of six former Soviet republics and Russia, to put an end to riots "
    "in the country, which he described as a “terrorist threat.”"
)
_S_MANGYSTAU = (
    "2, when drivers in the oil-rich Mangystau region of the country staged protests against huge "
    "price hikes for liquefied petroleum gas (LPG), which later spread to the city of Aktau."
)
_SEED_TEXT = (
    "\n\n".join(
        [
            _S_STATIONED,
            _S_DEMONYMS,
            _S_DISPATCHED,
            _S_AMONG,
            _S_REQUESTED,
            "On January 1, protests erupted.",
            _S_MANGYSTAU,
        ]
    )
    + "\n"
)

# the second (invented, but typical) article
_S2_MEMBER = "Belarus, a member of the CSTO, confirmed on Monday that its paratroopers had arrived."
_S2_PART = (
    "Belarusian soldiers are deployed to Kazakhstan as part of the CSTO peacekeeping force, "
    "the defence ministry said."
)
_SECOND_TEXT = _S2_MEMBER + " " + _S2_PART + "\n"

_TEXTS = {SEED_DOC: _SEED_TEXT, SECOND_DOC: _SECOND_TEXT}


def _ev(doc_id: str, sentence: str, rule: str, confidence: float) -> Evidence:
    """Return the evidence of ``sentence`` in a document, with its true offsets."""
    start = _TEXTS[doc_id].index(sentence)
    return Evidence(doc_id, start, start + len(sentence), sentence, rule, confidence)


def _iri(path: str) -> str:
    return str(KGR[path])


KAZAKHSTAN = _iri("country/kazakhstan")
RUSSIA = _iri("country/russia")
BELARUS = _iri("country/belarus")
ARMENIA = _iri("country/armenia")
TAJIKISTAN = _iri("country/tajikistan")
KYRGYZSTAN = _iri("country/kyrgyzstan")
CSTO = _iri("organization/collective-security-treaty-organization")
FORCE = _iri("militaryforce/csto-peacekeeping-force")
TOKAYEV = _iri("person/kassym-jomart-tokayev")
MANGYSTAU = _iri("region/mangystau")
AKTAU = _iri("city/aktau")
DEPLOYMENT = _iri(f"event/{SEED_DOC}-{_SEED_TEXT.index(_S_DISPATCHED)}-deployment")
REQUEST = _iri(f"event/{SEED_DOC}-{_SEED_TEXT.index(_S_REQUESTED)}-request")


def _entity(
    G: nx.MultiDiGraph,
    iri: str,
    cls: str,
    label: str,
    docs: tuple[str, ...],
    alt: tuple[str, ...] = (),
    same_as: tuple[str, ...] = (),
    titles: tuple[str, ...] = (),
) -> None:
    G.add_node(
        iri,
        kind="entity",
        cls=cls,
        label=label,
        alt_labels=tuple(sorted(alt)),
        same_as=tuple(sorted(same_as)),
        titles=tuple(sorted(titles)),
        documents=tuple(sorted(docs)),
    )


def _relate(G: nx.MultiDiGraph, subj: str, prop: str, obj: str, *evidence: Evidence) -> None:
    ev = tuple(sorted(evidence))
    G.add_edge(
        subj, obj, key=prop, prop=prop, evidence=ev, confidence=max(e.confidence for e in ev)
    )


def _event(
    G: nx.MultiDiGraph,
    iri: str,
    cls: str,
    label: str,
    trigger: str,
    date: str | None,
    evidence: Evidence,
    roles: dict[str, tuple[str, ...]],
    topics: tuple[str, ...] = (),
) -> None:
    G.add_node(
        iri,
        kind="event",
        cls=cls,
        label=label,
        alt_labels=(),
        same_as=(),
        titles=(),
        documents=(evidence.doc_id,),
        date=date,
        topics=topics,
        trigger=trigger,
        evidence=(evidence,),
        confidence=evidence.confidence,
    )
    for role, targets in roles.items():
        for target in targets:
            G.add_edge(
                iri,
                target,
                key=role,
                prop=role,
                evidence=(evidence,),
                confidence=evidence.confidence,
            )


def build_sample_graph() -> nx.MultiDiGraph:
    """Return a fresh copy of the sample graph (see the module docstring)."""
    G = nx.MultiDiGraph()
    G.graph["documents"] = {
        SEED_DOC: Document(
            id=SEED_DOC,
            title="Peacekeeping forces from the Collective Security Treaty Organization are "
            "stationed in Kazakhstan.",
            date=dt.date(2022, 1, 9),
            url=None,
            text=_SEED_TEXT,
        ),
        SECOND_DOC: Document(
            id=SECOND_DOC,
            title="Belarusian paratroopers arrive in Kazakhstan",
            date=dt.date(2022, 1, 10),
            url="https://example.org/news/belarus-csto",
            text=_SECOND_TEXT,
        ),
    }
    both = (SEED_DOC, SECOND_DOC)
    seed = (SEED_DOC,)
    wd = "http://www.wikidata.org/entity/"
    _entity(
        G,
        KAZAKHSTAN,
        "Country",
        "Kazakhstan",
        both,
        alt=("Kazakh", "Kazakhstani", "Republic of Kazakhstan"),
        same_as=(wd + "Q232", "https://sws.geonames.org/1522867/"),
    )
    _entity(G, RUSSIA, "Country", "Russia", seed, alt=("Russian",), same_as=(wd + "Q159",))
    _entity(
        G,
        BELARUS,
        "Country",
        "Belarus",
        both,
        alt=("Belarusian", "Belarussian"),
        same_as=(wd + "Q184",),
    )
    _entity(G, ARMENIA, "Country", "Armenia", seed, alt=("Armenian",), same_as=(wd + "Q399",))
    _entity(G, TAJIKISTAN, "Country", "Tajikistan", seed, alt=("Tajik",), same_as=(wd + "Q863",))
    _entity(G, KYRGYZSTAN, "Country", "Kyrgyzstan", seed, alt=("Kyrgyz",), same_as=(wd + "Q813",))
    _entity(G, CSTO, "Organization", "Collective Security Treaty Organization", both, alt=("CSTO",))
    _entity(
        G,
        FORCE,
        "MilitaryForce",
        "CSTO peacekeeping force",
        both,
        alt=("CSTO peacekeeping forces", "peacekeeping forces"),
    )
    _entity(
        G, TOKAYEV, "Person", "Kassym-Jomart Tokayev", seed, alt=("Tokayev",), titles=("President",)
    )
    _entity(G, MANGYSTAU, "Region", "Mangystau", seed, alt=("Mangystau region",))
    _entity(G, AKTAU, "City", "Aktau", seed)

    among = _ev(SEED_DOC, _S_AMONG, "enumeration-from", 0.85)
    for state in (RUSSIA, BELARUS, ARMENIA, TAJIKISTAN, KYRGYZSTAN):
        extra = []
        if state == RUSSIA:
            extra.append(_ev(SEED_DOC, _S_DEMONYMS, "demonym-enumeration", 0.7))
        if state == BELARUS:
            extra.append(_ev(SECOND_DOC, _S2_PART, "part-of-force", 0.8))
        _relate(G, state, "contributesTo", FORCE, among, *extra)
    _relate(
        G,
        FORCE,
        "partOf",
        CSTO,
        _ev(SEED_DOC, _S_STATIONED, "force-from", 0.8),
        _ev(SECOND_DOC, _S2_PART, "part-of-force", 0.75),
    )
    _relate(G, FORCE, "deployedTo", KAZAKHSTAN, _ev(SEED_DOC, _S_STATIONED, "stationed-in", 0.9))
    _relate(G, CSTO, "ledBy", RUSSIA, _ev(SEED_DOC, _S_DISPATCHED, "x-led", 0.6))
    _relate(G, BELARUS, "memberOf", CSTO, _ev(SECOND_DOC, _S2_MEMBER, "apposition-member", 0.9))
    _relate(G, TOKAYEV, "leaderOf", KAZAKHSTAN, _ev(SEED_DOC, _S_REQUESTED, "title-demonym", 0.9))
    _relate(
        G,
        TOKAYEV,
        "requestedAssistanceFrom",
        CSTO,
        _ev(SEED_DOC, _S_REQUESTED, "requested-assistance", 0.9),
    )
    _relate(G, MANGYSTAU, "locatedIn", KAZAKHSTAN, _ev(SEED_DOC, _S_MANGYSTAU, "region-of", 0.7))
    _relate(G, AKTAU, "locatedIn", MANGYSTAU, _ev(SEED_DOC, _S_MANGYSTAU, "spread-to-city", 0.5))

    _event(
        G,
        DEPLOYMENT,
        "Deployment",
        "Deployment: dispatched",
        "dispatched",
        "2022-01-06",
        _ev(SEED_DOC, _S_DISPATCHED, "event-trigger", 0.8),
        {"agent": (CSTO,), "participant": (FORCE,), "place": (KAZAKHSTAN,)},
        topics=("unrest",),
    )
    _event(
        G,
        REQUEST,
        "Request",
        "Request: requested",
        "requested",
        None,
        _ev(SEED_DOC, _S_REQUESTED, "event-trigger", 0.85),
        {"agent": (TOKAYEV,), "target": (CSTO,)},
    )
    return G


@pytest.fixture
def sample_graph() -> nx.MultiDiGraph:
    """A small, realistic knowledge graph following :mod:`kg.model` (see the module docstring)."""
    return build_sample_graph()


# --------------------------------------------------------------------------- kg serve


@dataclass
class KgServer:
    """A ``kg serve`` subprocess on loopback."""

    port: int
    proc: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def tree(self) -> list[int]:
        """The server's pid and those of its children (the query workers)."""
        pids = [self.proc.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError):
                    stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    if int(stat[1]) == self.proc.pid:
                        pids.append(int(entry.name))
        return pids

    def rss_mb(self) -> float:
        """Resident memory of the server and its workers, in MB."""
        total = 0
        for pid in self.tree():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        return total / 1024

    def cpu_seconds(self) -> dict[int, float]:
        """CPU seconds used so far by each worker process."""
        out = {}
        for pid in self.tree()[1:]:
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                out[pid] = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
        return out


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _kg_serve(folder: Path, *args: str, wait: float = 60.0) -> Iterator[KgServer]:
    port = _free_port()
    log = folder.parent / f"kg-serve-{port}.log"
    root = Path(__file__).resolve().parents[1]
    path = os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    cmd = [sys.executable, "-m", "kg", "serve", str(folder), "--port", str(port), *args]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = KgServer(port, proc, log)
    try:
        deadline = time.monotonic() + wait
        while True:
            if proc.poll() is not None:
                pytest.fail(f"kg serve exited with {proc.returncode}: {log.read_text()}")
            try:
                with urllib.request.urlopen(server.url + "/queries.json", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"kg serve did not answer within {wait} s: {log.read_text()}")
                time.sleep(0.1)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def kg_serve() -> Callable[..., contextlib.AbstractContextManager[KgServer]]:
    """``with kg_serve(folder, "--timeout", "2") as server:`` runs ``kg serve`` on loopback."""
    return _kg_serve
