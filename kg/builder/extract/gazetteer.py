"""Gazetteer of countries, organisations, military forces and cities, loaded from ``kg/data``.

The data files are built by ``scripts/build_gazetteer.py`` (sources in ``kg/data/SOURCES.md``);
this module holds the one schema of their columns, which the build script writes:

* ``countries.tsv``: :data:`COUNTRY_COLUMNS`;
* ``organizations.tsv``: :data:`ORG_COLUMNS`;
* ``cities.tsv`` or ``cities.tsv.gz``: :data:`CITY_COLUMNS`.

Multi-valued cells are ``|``-separated. Extra user files in the same formats can be passed to
:meth:`Gazetteer.load`; the format is recognised from the header, and a row whose key already
exists replaces the packaged row.

Matching rule (:meth:`Gazetteer.lookup`, :meth:`Gazetteer.demonym`): a surface form is normalised
(curly apostrophes and quotes made straight, whitespace collapsed, a leading ``the``/``The``
and a trailing possessive ``'s`` removed) and then matched

1. exactly against the equally normalised names; then
2. case-insensitively (and accent-insensitively, a hyphen counting as a space: "Guinea Bissau" is
   "Guinea-Bissau") against names longer than 4 characters that are not all-caps acronyms.
   Acronyms ("US", "U.S.", "NATO") and short names ("Rome") therefore only match as written, so
   "us" or "rome" match nothing.

Demonyms match exactly, then case-insensitively (they are never acronyms).

Candidates are ranked by class (Country, then Organization/MilitaryForce, then Region, then City
and other locations), then exact before case-insensitive matches, then population (descending),
then key; so a city named like a country never outranks the country.
"""

from __future__ import annotations

import functools
import gc
import gzip
import importlib.resources
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.vocab import GN_NS, WD_NS

_CLASS_RANK = {
    "Country": 0,
    "Organization": 1,
    "MilitaryForce": 1,
    "Region": 2,
    "City": 3,
    "Location": 4,
}
#: Columns of ``countries.tsv`` (multi-valued cells are ``|``-separated).
COUNTRY_COLUMNS = (
    "key",
    "iso2",
    "iso3",
    "qid",
    "geonames_id",
    "label",
    "names",
    "demonyms",
    "independent",
)
#: Columns of ``organizations.tsv``.
ORG_COLUMNS = ("key", "label", "names", "cls", "qid", "based_in", "part_of")
#: Columns of ``cities.tsv`` / ``cities.tsv.gz``.
CITY_COLUMNS = (
    "key",
    "geonames_id",
    "label",
    "country_iso2",
    "admin1",
    "population",
    "names",
    "capital",
)
_TRANSLATE = str.maketrans(
    {"’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"', "\u00a0": " "}
)


@dataclass(frozen=True, slots=True)
class GazEntry:
    """One gazetteer entry.

    Attributes:
        key: Stable identifier: ``"country:france"``, ``"org:nato"``, ``"gn:2988507"``.
        cls: ``kg:`` class local name (Country, Organization, MilitaryForce, City, Region,
            Location).
        label: Canonical English name.
        same_as: Full Wikidata / GeoNames IRIs.
        names: All names, the label first (demonyms excluded).
        demonyms: Adjectival and demonym forms (countries only).
        country: Key of the containing country (cities), else None.
        part_of: Key of the parent organisation or country, if any.
        based_in: Key of the seat city, if known.
        population: Population (cities), else 0.
        capital: Whether the city is its country's capital (stands for the government).

    """

    key: str
    cls: str
    label: str
    same_as: tuple[str, ...]
    names: tuple[str, ...]
    demonyms: tuple[str, ...]
    country: str | None
    part_of: str | None
    based_in: str | None
    population: int = 0
    capital: bool = False


def normalize(text: str) -> str:
    """Normalise a surface form for matching (see the module docstring)."""
    text = " ".join(text.translate(_TRANSLATE).split())
    if text[:4] in ("the ", "The ") and len(text) > 4:
        text = text[4:]
    if text.endswith("'s") and len(text) > 2:
        text = text[:-2]
    return text


def _deaccent_table() -> dict[int, str]:
    """Map accented Latin letters (U+00C0-U+024F, U+1E00-U+1EFF) to their unaccented base."""
    table: dict[int, str] = {}
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        base = "".join(
            c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c)
        )
        if base and base != chr(code):
            table[code] = base
    return table


_DEACCENT = _deaccent_table()
_HYPHENS = str.maketrans({"-": " ", "‐": " ", "–": " "})
_THE = ("the ", "The ")


def fold(text: str) -> str:
    """Case-, accent- and hyphen-insensitive form of an already normalised string."""
    if not text.isascii():
        text = text.translate(_DEACCENT)
    return text.casefold().translate(_HYPHENS)


def is_acronym(text: str) -> bool:
    """Tell whether ``text`` is an all-caps acronym ("US", "U.S.", "NATO", "ICPO-INTERPOL")."""
    return text.isupper()


def folds_ok(name: str) -> bool:
    """Tell whether ``name`` may match case-insensitively (longer than 4, not an acronym)."""
    return len(name) > 4 and not is_acronym(name)


def _split(cell: str) -> tuple[str, ...]:
    return tuple(cell.split("|")) if cell else ()


def _read_rows(text: str) -> tuple[tuple[str, ...], list[list[str]]]:
    lines = text.splitlines()
    if not lines:
        return (), []
    header = tuple(lines[0].split("\t"))
    return header, [line.split("\t") for line in lines[1:] if line]


def _read_path(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8")


def _same_as(qid: str, geonames_id: str) -> tuple[str, ...]:
    out = []
    if qid:
        out.append(WD_NS + qid)
    if geonames_id:
        out.append(f"{GN_NS}{geonames_id}/")
    return tuple(out)


@dataclass
class _CityRows:
    """Raw city rows by key, and the ISO code → country key map to resolve their country."""

    rows: dict[str, list[str]]
    iso2_key: dict[str, str]


class _MultiIndex:
    """Map string → keys, built with C-level dict operations (one key per string mostly)."""

    __slots__ = ("_one", "_many")

    def __init__(self, names: list[str], keys: list[str]) -> None:
        self._one: dict[str, str] = dict(zip(names, keys, strict=True))
        self._many: dict[str, tuple[str, ...]] = {}
        if len(self._one) < len(names):
            dups = {n for n, c in Counter(names).items() if c > 1}
            grouped: dict[str, list[str]] = {}
            for n, k in [(n, k) for n, k in zip(names, keys, strict=True) if n in dups]:
                bucket = grouped.setdefault(n, [])
                if k not in bucket:
                    bucket.append(k)
            self._many = {n: tuple(ks) for n, ks in grouped.items() if len(ks) > 1}

    def get(self, name: str) -> tuple[str, ...]:
        """Return the keys indexed under ``name`` (empty tuple if none)."""
        many = self._many.get(name)
        if many is not None:
            return many
        one = self._one.get(name)
        return (one,) if one is not None else ()


class Gazetteer:
    """Name → entry index over the packaged data and optional extra files."""

    def __init__(
        self, entries: Iterable[GazEntry] = (), *, _cities: _CityRows | None = None
    ) -> None:
        """Index ``entries`` (later entries with the same key replace earlier ones).

        ``_cities`` (internal) holds raw city rows that become :class:`GazEntry` objects only
        when they are asked for, which keeps loading fast.
        """
        self._entries: dict[str, GazEntry] = {}
        for entry in entries:
            self._entries[entry.key] = entry
        self._cities = _cities or _CityRows({}, {})
        for key in self._entries:
            self._cities.rows.pop(key, None)
        self._dem_exact: dict[str, str] = {}
        self._dem_folded: dict[str, str] = {}
        for entry in self._entries.values():
            for form in entry.demonyms:
                norm = normalize(form)
                self._dem_exact.setdefault(norm, entry.key)
                self._dem_folded.setdefault(fold(norm), entry.key)
        names: list[str] = []
        keys: list[str] = []
        for entry in self._entries.values():
            names.extend(entry.names)
            keys.extend([entry.key] * len(entry.names))
        for key, row in self._cities.rows.items():
            row_names = _names(row[2], row[6])
            names.extend(row_names)
            keys.extend([key] * len(row_names))
        norm = [normalize(n) if n[:4] in _THE or n[-2:] == "'s" else n for n in names]
        self._exact = _MultiIndex(norm, keys)
        pairs = [(n, k) for n, k in zip(norm, keys, strict=True) if len(n) > 4 and not n.isupper()]
        self._folded = _MultiIndex(
            [
                (n if n.isascii() else n.translate(_DEACCENT)).casefold().translate(_HYPHENS)
                for n, _ in pairs
            ],
            [k for _, k in pairs],
        )

    # ---------------------------------------------------------------- construction
    @classmethod
    def default(cls) -> Gazetteer:
        """Return the gazetteer of the packaged data (loaded once, then cached)."""
        return _default()

    @classmethod
    def load(cls, extra: Sequence[Path] = ()) -> Gazetteer:
        """Load the packaged data plus ``extra`` TSV files (``.tsv`` or ``.tsv.gz``)."""
        texts = [_package_text(name) for name in _package_files()]
        # user files: straighten apostrophes/quotes so that the index may trust the names
        texts += [_read_path(Path(p)).translate(_TRANSLATE) for p in extra]
        # Loading allocates ~10^5 small objects that all survive: pausing the cyclic garbage
        # collector meanwhile avoids repeated full scans (it halves the load time).
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            entries, cities = _parse_all(texts)
            return cls(entries, _cities=cities)
        finally:
            if was_enabled:
                gc.enable()

    # ---------------------------------------------------------------- queries
    def get(self, key: str) -> GazEntry | None:
        """Return the entry with ``key``, if any."""
        if key in self._entries or key in self._cities.rows:
            return self._entry(key)
        return None

    def lookup(self, name: str) -> list[GazEntry]:
        """Return candidate entries for a surface name, best first (see module docstring)."""
        norm = normalize(name)
        if not norm:
            return []
        exact = self._exact.get(norm)
        folded = self._folded.get(fold(norm)) if folds_ok(norm) else ()
        seen: dict[str, int] = {}
        for key in exact:
            seen.setdefault(key, 0)
        for key in folded:
            seen.setdefault(key, 1)
        ranked = sorted(seen.items(), key=lambda kv: self._rank(kv[0], kv[1]))
        return [self._entry(key) for key, _ in ranked]

    def _entry(self, key: str) -> GazEntry:
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _city(self._cities.rows.pop(key), self._cities.iso2_key)
        return entry

    def _all_keys(self) -> list[str]:
        return sorted([*self._entries, *self._cities.rows])

    def _rank(self, key: str, quality: int) -> tuple[int, int, int, str]:
        entry = self._entry(key)
        return (_CLASS_RANK.get(entry.cls, 5), quality, -entry.population, key)

    def demonym(self, word: str) -> GazEntry | None:
        """Return the country a demonym or adjective refers to ("French" → France)."""
        norm = normalize(word)
        key = self._dem_exact.get(norm) or self._dem_folded.get(fold(norm))
        return self.get(key) if key else None

    def names(self) -> Iterator[tuple[str, GazEntry]]:
        """Yield every (surface name, entry) pair, by key then name order (no demonyms)."""
        for key in self._all_keys():
            entry = self._entry(key)
            for name in entry.names:
                yield name, entry

    def demonym_forms(self) -> Iterator[tuple[str, GazEntry]]:
        """Yield every (demonym form, entry) pair, by key then form order."""
        for key in sorted(self._entries):
            entry = self._entries[key]
            for form in entry.demonyms:
                yield form, entry

    def entries(self) -> Iterator[GazEntry]:
        """Yield every entry, by key."""
        for key in self._all_keys():
            yield self._entry(key)

    def country_of(self, key: str) -> GazEntry | None:
        """Return the country of an entry: itself for a country, the containing one for a city."""
        entry = self.get(key)
        if entry is None:
            return None
        if entry.cls == "Country":
            return entry
        return self.get(entry.country) if entry.country else None

    def __len__(self) -> int:
        return len(self._entries) + len(self._cities.rows)

    def __contains__(self, key: object) -> bool:
        return key in self._entries or key in self._cities.rows


# -------------------------------------------------------------------- parsing


def _package_files() -> list[str]:
    root = importlib.resources.files("kg") / "data"
    out = ["countries.tsv", "organizations.tsv"]
    out.append("cities.tsv.gz" if (root / "cities.tsv.gz").is_file() else "cities.tsv")
    return out


def _package_text(name: str) -> str:
    data = (importlib.resources.files("kg") / "data" / name).read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8")


def _parse_all(texts: Sequence[str]) -> tuple[list[GazEntry], _CityRows]:
    """Parse country, organisation and city tables; city rows stay raw (see ``_CityRows``)."""
    tables = [_read_rows(t) for t in texts]
    for header, _ in tables:
        if header not in (COUNTRY_COLUMNS, ORG_COLUMNS, CITY_COLUMNS):
            raise ValueError(f"unknown gazetteer table header: {header}")
    cities = _CityRows({}, {})
    entries: list[GazEntry] = []
    for header, rows in tables:
        if header == COUNTRY_COLUMNS:
            for r in rows:
                entries.append(_country(r))
                if r[1]:
                    cities.iso2_key[r[1]] = r[0]
        elif header == ORG_COLUMNS:
            entries.extend(_org(r) for r in rows)
        else:
            for r in rows:
                cities.rows[r[0]] = r
    return entries, cities


def _country(r: list[str]) -> GazEntry:
    key, _iso2, _iso3, qid, gn, label, names, demonyms, _ind = r
    return GazEntry(
        key,
        "Country",
        label,
        _same_as(qid, gn),
        _names(label, names),
        _split(demonyms),
        None,
        None,
        None,
        0,
    )


def _org(r: list[str]) -> GazEntry:
    key, label, names, cls, qid, based_in, part_of = r
    return GazEntry(
        key,
        cls or "Organization",
        label,
        _same_as(qid, ""),
        _names(label, names),
        (),
        None,
        part_of or None,
        based_in or None,
        0,
    )


def _city(r: list[str], iso2_key: dict[str, str]) -> GazEntry:
    key, gn, label, iso2, _admin1, population, names, capital = r
    return GazEntry(
        key,
        "City",
        label,
        _same_as("", gn),
        _names(label, names),
        (),
        iso2_key.get(iso2),
        None,
        None,
        int(population or 0),
        capital == "Yes",
    )


def _names(label: str, cell: str) -> tuple[str, ...]:
    names = _split(cell)
    return names if names and names[0] == label else (label, *(n for n in names if n != label))


@functools.lru_cache(maxsize=1)
def _default() -> Gazetteer:
    return Gazetteer.load()
