"""Tests for kg.builder.extract.gazetteer and the data files built by scripts/build_gazetteer.py."""

from __future__ import annotations

import csv
import gzip
import importlib.resources
import time
from collections import defaultdict
from pathlib import Path

import pytest

from kg.builder.extract.gazetteer import (
    CITY_COLUMNS,
    COUNTRY_COLUMNS,
    ORG_COLUMNS,
    GazEntry,
    Gazetteer,
    normalize,
)

SHARED = Path(__file__).parents[1].parent / "shared" / "data"
DATA = Path(__file__).parents[1] / "kg" / "data"
WD = "http://www.wikidata.org/entity/"
GN = "https://sws.geonames.org/"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


def _one(gaz: Gazetteer, name: str) -> GazEntry:
    found = gaz.lookup(name)
    assert found, f"no entry for {name!r}"
    return found[0]


def _rows(name: str) -> tuple[list[str], list[dict[str, str]]]:
    path = DATA / name
    raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    reader = csv.DictReader(
        raw.decode("utf-8").splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    rows = list(reader)
    return list(reader.fieldnames or []), rows


# ------------------------------------------------------------------ countries and demonyms


@pytest.mark.parametrize("word", ["Kazakh", "Kazakhstani", "Kazakhs", "Kazakhstan"])
def test_kazakhstan_forms(gaz: Gazetteer, word: str) -> None:
    entry = gaz.demonym(word) if word != "Kazakhstan" else _one(gaz, word)
    assert entry is not None
    assert entry.key == "country:kazakhstan"
    assert entry.cls == "Country"
    assert entry.label == "Kazakhstan"
    assert WD + "Q232" in entry.same_as
    assert GN + "1522867/" in entry.same_as


@pytest.mark.parametrize("word", ["Belarussian", "Byelorussian", "Belarusian", "Belarusians"])
def test_belarus_demonyms(gaz: Gazetteer, word: str) -> None:
    entry = gaz.demonym(word)
    assert entry is not None and entry.label == "Belarus"
    assert WD + "Q184" in entry.same_as


@pytest.mark.parametrize(
    ("word", "label"),
    [
        ("Kirghiz", "Kyrgyzstan"),
        ("Kyrgyz", "Kyrgyzstan"),
        ("Kyrgyzstani", "Kyrgyzstan"),
        ("Tajik", "Tajikistan"),
        ("Tajiks", "Tajikistan"),
        ("Senegalese", "Senegal"),
        ("Emirati", "United Arab Emirates"),
        ("Russian", "Russia"),
        ("Russians", "Russia"),
        ("Armenian", "Armenia"),
        ("American", "United States"),
        ("British", "United Kingdom"),
        ("Irish", "Ireland"),
        ("Georgian", "Georgia"),
        ("Chinese", "China"),
        ("Nigerian", "Nigeria"),
        ("Nigerien", "Niger"),
        ("Soviet", "Soviet Union"),
    ],
)
def test_demonyms(gaz: Gazetteer, word: str, label: str) -> None:
    entry = gaz.demonym(word)
    assert entry is not None, word
    assert entry.label == label


@pytest.mark.parametrize(
    "word",
    [
        "Congolese",
        "Dominican",
        "Korean",
        "English",
        "Scottish",
        "Channel Islander",
        "Pole",
        "table",
        "",
    ],
)
def test_ambiguous_or_non_demonyms(gaz: Gazetteer, word: str) -> None:
    assert gaz.demonym(word) is None


def test_demonym_possessive_and_curly_apostrophe(gaz: Gazetteer) -> None:
    entry = gaz.demonym("Kazakhstan’s".replace("stan", "stani"))
    assert entry is not None and entry.label == "Kazakhstan"


def test_no_demonym_maps_to_two_countries() -> None:
    _, rows = _rows("countries.tsv")
    owners: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for form in filter(None, row["demonyms"].split("|")):
            owners[normalize(form).casefold()].add(row["key"])
    shared = {form: keys for form, keys in owners.items() if len(keys) > 1}
    assert not shared


def test_demonyms_are_not_names(gaz: Gazetteer) -> None:
    for form, entry in gaz.demonym_forms():
        assert form not in entry.names
        assert not gaz.lookup(form) or gaz.lookup(form)[0].cls != "Country", form


# ------------------------------------------------------------------ names and ranking


def test_us_variants_one_entry(gaz: Gazetteer) -> None:
    found = {
        _one(gaz, n).key
        for n in (
            "US",
            "U.S.",
            "United States",
            "USA",
            "United States of America",
            "the United States",
        )
    }
    assert found == {"country:united-states"}
    assert gaz.lookup("us") == []
    assert gaz.lookup("u.s.") == []


def test_labels_are_common_names(gaz: Gazetteer) -> None:
    assert _one(gaz, "Russian Federation").label == "Russia"
    assert _one(gaz, "UK").label == "United Kingdom"
    assert _one(gaz, "UAE").label == "United Arab Emirates"
    assert _one(gaz, "DRC").key == "country:democratic-republic-of-the-congo"


def test_csto_long_and_short_forms(gaz: Gazetteer) -> None:
    by_acronym = _one(gaz, "CSTO")
    assert by_acronym.cls == "Organization"
    assert WD + "Q318693" in by_acronym.same_as
    for name in (
        "Collective Security Treaty Organisation",
        "Collective Security Treaty Organization",
        "the Collective Security Treaty Organization's",
    ):
        assert _one(gaz, name) == by_acronym
    assert gaz.lookup("csto") == []


def test_eu_and_its_services(gaz: Gazetteer) -> None:
    eu = _one(gaz, "EU")
    assert eu.label == "European Union"
    assert WD + "Q458" in eu.same_as
    eeas = _one(gaz, "EU diplomatic service")
    assert eeas.key == _one(gaz, "European External Action Service").key
    assert eeas.part_of == eu.key
    assert _one(gaz, "European Commission").part_of == eu.key
    brussels = gaz.get(eu.based_in or "")
    assert brussels is not None and brussels.label == "Brussels"


def test_military_forces(gaz: Gazetteer) -> None:
    for name in (
        "KFOR",
        "ISAF",
        "MINUSMA",
        "UNIFIL",
        "EUFOR",
        "EUNAVFOR Atalanta",
        "Operation Barkhane",
    ):
        assert _one(gaz, name).cls == "MilitaryForce", name
    assert _one(gaz, "KFOR").part_of == _one(gaz, "NATO").key


def test_oral_city(gaz: Gazetteer) -> None:
    oral = _one(gaz, "Oral")
    assert oral.key == "gn:608668"
    assert oral.cls == "City"
    assert oral.same_as == (GN + "608668/",)
    assert oral.country == "country:kazakhstan"
    assert _one(gaz, "Uralsk") == oral
    assert _one(gaz, "Ural’sk") == oral
    country = gaz.country_of(oral.key)
    assert country is not None and country.label == "Kazakhstan"
    assert gaz.lookup("oral") == []  # short names match only as written


def test_case_insensitive_long_names(gaz: Gazetteer) -> None:
    assert _one(gaz, "kazakhstan").key == "country:kazakhstan"
    assert _one(gaz, "Cote d'Ivoire").label == _one(gaz, "Côte d'Ivoire").label
    assert gaz.lookup("NATO")[0].key == "org:nato"
    assert gaz.lookup("Nato") == []


def test_hyphen_matches_space(gaz: Gazetteer) -> None:
    assert _one(gaz, "Guinea Bissau").key == "country:guinea-bissau"
    assert _one(gaz, "Guinea-Bissau").key == "country:guinea-bissau"
    assert _one(gaz, "Guinea").key == "country:guinea"


def test_english_short_names_news_uses(gaz: Gazetteer) -> None:
    assert _one(gaz, "Turkey").key == _one(gaz, "Türkiye").key == "country:turkiye"
    assert _one(gaz, "The Gambia").key == "country:gambia"


def test_country_outranks_city_of_same_name(gaz: Gazetteer) -> None:
    for name in ("Mali", "Georgia", "Kuwait", "Singapore", "Djibouti"):
        found = gaz.lookup(name)
        assert found and found[0].cls == "Country", name
        assert all(e.cls != "Country" for e in found[1:]) or len(found) == 1


def test_cities_ranked_by_population(gaz: Gazetteer) -> None:
    found = [e for e in gaz.lookup("Washington") if e.cls == "City"]
    assert len(found) > 1
    assert [e.population for e in found] == sorted((e.population for e in found), reverse=True)
    assert found[0].country == "country:united-states"


def test_historical_states(gaz: Gazetteer) -> None:
    assert _one(gaz, "USSR").key == _one(gaz, "Soviet Union").key
    assert WD + "Q15180" in _one(gaz, "USSR").same_as


def test_names_iterator(gaz: Gazetteer) -> None:
    pairs = list(gaz.names())
    assert ("Kazakhstan", gaz.get("country:kazakhstan")) in pairs
    assert all(isinstance(name, str) and name for name, _ in pairs)
    assert not any(name == "Kazakh" and e.cls == "Country" for name, e in pairs)
    assert len(pairs) >= len(gaz)


def test_get_and_country_of(gaz: Gazetteer) -> None:
    assert gaz.get("no:such") is None
    assert gaz.country_of("no:such") is None
    kz = gaz.get("country:kazakhstan")
    assert kz is not None and gaz.country_of(kz.key) == kz
    assert gaz.country_of("org:csto") is None


def test_normalize() -> None:
    assert normalize("  the   United\u00a0States’s ") == "United States"
    assert normalize("The Hague") == "Hague"
    assert normalize("the") == "the"


# ------------------------------------------------------------------ extra files


def test_load_extra_file_overrides_and_adds(tmp_path: Path) -> None:
    extra = tmp_path / "mine.tsv"
    extra.write_text(
        "key\tlabel\tnames\tcls\tqid\tbased_in\tpart_of\n"
        "org:csto\tCSTO alliance\tCSTO alliance|CSTO\tOrganization\tQ318693\t\t\n"
        "org:acme-force\tAcme Peace Force\tAcme Peace Force|APF\tMilitaryForce\t\t\t"
        "org:csto\n",
        encoding="utf-8",
    )
    gaz = Gazetteer.load([extra])
    assert _one(gaz, "CSTO").label == "CSTO alliance"
    assert gaz.lookup("Collective Security Treaty Organization") == []
    force = _one(gaz, "acme peace force")
    assert force.cls == "MilitaryForce" and force.part_of == "org:csto"
    assert _one(gaz, "Kazakhstan").key == "country:kazakhstan"


def test_load_rejects_unknown_header(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("a\tb\n1\t2\n", encoding="utf-8")
    with pytest.raises(ValueError):
        Gazetteer.load([bad])


# ------------------------------------------------------------------ data files


def test_data_files_have_the_schema_columns() -> None:
    """Headers are the module's column constants (SOURCES.md is checked against them too)."""
    header, rows = _rows("countries.tsv")
    assert header == list(COUNTRY_COLUMNS)
    assert len(rows) > 240
    assert all(r["key"].startswith("country:") and r["independent"] in ("Yes", "No") for r in rows)
    header, rows = _rows("organizations.tsv")
    assert header == list(ORG_COLUMNS)
    assert 60 <= len(rows) <= 150
    assert {r["cls"] for r in rows} == {"Organization", "MilitaryForce"}
    city_file = "cities.tsv.gz" if (DATA / "cities.tsv.gz").exists() else "cities.tsv"
    header, rows = _rows(city_file)
    assert header == list(CITY_COLUMNS)
    assert all(r["key"] == "gn:" + r["geonames_id"] and int(r["population"]) >= 15000 for r in rows)
    assert [int(r["geonames_id"]) for r in rows] == sorted(int(r["geonames_id"]) for r in rows)
    capitals = {r["label"] for r in rows if r["capital"] == "Yes"}
    assert {"Astana", "Moscow", "Minsk", "Yerevan", "Bishkek", "Dushanbe"} <= capitals


def test_keys_and_references_resolve(gaz: Gazetteer) -> None:
    _, orgs = _rows("organizations.tsv")
    for row in orgs:
        if row["part_of"]:
            assert gaz.get(row["part_of"]) is not None, row["key"]
        if row["based_in"]:
            seat = gaz.get(row["based_in"])
            assert seat is not None and seat.cls == "City", row["key"]


def test_identifiers_well_formed() -> None:
    _, countries = _rows("countries.tsv")
    _, orgs = _rows("organizations.tsv")
    for row in countries + orgs:
        assert row["qid"] == "" or (row["qid"][0] == "Q" and row["qid"][1:].isdigit()), row
    for row in countries:
        assert row["geonames_id"] == "" or row["geonames_id"].isdigit()


def test_qids_match_majority_crosscheck() -> None:
    path = SHARED / "derived_qid_crosscheck.csv"
    if not path.exists():
        pytest.skip("shared data not available")
    with path.open(encoding="utf-8") as handle:
        majority = {r["iso2"]: r["qid_majority"] for r in csv.DictReader(handle)}
    _, rows = _rows("countries.tsv")
    checked = 0
    for row in rows:
        if row["iso2"] and row["iso2"] in majority:
            assert row["qid"] == majority[row["iso2"]], row["iso2"]
            checked += 1
    assert checked >= 249


def test_package_data_is_found_via_importlib() -> None:
    root = importlib.resources.files("kg") / "data"
    assert (root / "countries.tsv").is_file()


def test_load_time() -> None:
    start = time.perf_counter()
    gaz = Gazetteer.load()
    elapsed = time.perf_counter() - start
    assert len(gaz) > 30000
    assert elapsed < 2.0, f"gazetteer took {elapsed:.2f}s to load"
    assert Gazetteer.default() is Gazetteer.default()
