"""Find date expressions in news text and resolve them against the article date (the anchor).

News conventions applied (vocabulary in ``kg/data/dates.json``):

* a bare weekday ("on Thursday") is the most recent such day at or before the anchor in past-tense
  reporting (an article dated Sunday saying "on Sunday" means that Sunday), and the next such day at
  or after the anchor in future tense ("will meet on Thursday"); "last Thursday" is strictly before,
  "next Thursday" strictly after;
* a month and day without a year ("December 30") take the year that puts them closest at or before
  the anchor (past tense) or at or after it (future tense);
* "yesterday", "today", "N days ago", "last week/month/year" count from the anchor; "the next day",
  "two days later", "the day before" count from the previous resolved day (``previous``), else
  from the anchor;
* a sentence that starts with a bare day number ("2, when drivers ...") right after a sentence with
  an explicit month date continues that month (only in :func:`find_dates` and :func:`resolve_span`,
  which see the surrounding text);
* weeks run Monday to Sunday; invalid dates ("February 30") resolve to nothing, never raise.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import json
import re
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc, Span

PAST = "past"
FUTURE = "future"
#: Internal tense when neither the caller nor cue words tell: past, but see ``future_window_days``.
UNKNOWN = "unknown"

_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_DASH = r"\s*[-\u2013\u2014]\s*"
_PAUSE = re.compile(r"\s*(?:[,.;:!?)\]\"\u201d\u2019]|$)")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*\s+")
_WORD = re.compile(r"[\w'\u2019]+")


@dataclass(frozen=True)
class ResolvedDate:
    """A date expression found in a text and what it resolves to.

    Attributes:
        start: Character offset where the expression starts in the text it was found in.
        end: Character offset just past the expression.
        text: The expression as written (``text[start:end]``); leading prepositions such as
            "on" or "in" are not part of it, modifiers such as "last" are.
        value: The day, when the expression resolves to one day (for a range such as
            "Jan 2-3", its first day).
        granularity: ``"day"``, ``"week"``, ``"month"`` or ``"year"``.
        year: The year, when the expression lies within one year.
        month: The month (1-12), when the expression lies within one month.
        first: First day of the period the expression covers (inclusive).
        last: Last day of the period the expression covers (inclusive).

    """

    start: int
    end: int
    text: str
    value: dt.date | None
    granularity: str
    year: int | None
    month: int | None
    first: dt.date | None = None
    last: dt.date | None = None

    def shifted(self, offset: int) -> ResolvedDate:
        """Return the same date with its character offsets moved by ``offset``."""
        return ResolvedDate(
            self.start + offset,
            self.end + offset,
            self.text,
            self.value,
            self.granularity,
            self.year,
            self.month,
            self.first,
            self.last,
        )


@dataclass(frozen=True, eq=False)
class DateVocabulary:
    """The words date expressions are made of, loaded from ``kg/data/dates.json``.

    Compared and hashed by identity, so compiled grammars can be cached per vocabulary.
    """

    months: Mapping[str, int]
    month_names: tuple[str, ...]
    month_abbreviations: tuple[str, ...]
    weekdays: Mapping[str, int]
    weekday_names: tuple[str, ...]
    weekday_abbreviations: tuple[str, ...]
    numbers: Mapping[str, int]
    ordinal_suffixes: tuple[str, ...]
    parts_of_day: tuple[str, ...]
    weekday_modifiers: Mapping[str, str]
    weekday_blockers: frozenset[str]
    month_prepositions: tuple[str, ...]
    month_modifiers: Mapping[str, str]
    year_prepositions: tuple[str, ...]
    day_prepositions: tuple[str, ...]
    ordinal_day_followers: tuple[str, ...]
    units: Mapping[str, str]
    period_relatives: Mapping[str, Mapping[str, Any]]
    count_relatives: Mapping[str, Mapping[str, Any]]
    day_phrases: Mapping[str, Mapping[str, Any]]
    future_cues: frozenset[str]
    past_cues: frozenset[str]
    past_suffix: str
    window_before: int
    window_after: int
    reporting_verbs: frozenset[str]
    non_sentence_abbreviations: frozenset[str] = frozenset()
    future_window_days: int = 0
    source: str = ""


def _key(word: str) -> str:
    """Normalise a vocabulary word for lookup (case-folded, trailing period dropped)."""
    return word.rstrip(".").casefold()


def _names(entries: Iterable[Mapping[str, Any]], kind: str) -> dict[str, int]:
    """Map every name of ``kind`` ("names"/"abbreviations") in ``entries`` to its number."""
    return {_key(name): int(e["number"]) for e in entries for name in e[kind]}


def _by_phrase(entries: Iterable[Mapping[str, Any]], key: str) -> dict[str, Mapping[str, Any]]:
    """Index a list of dicts by the lower-cased value of ``key``."""
    return {str(e[key]).casefold(): e for e in entries}


def vocabulary_from_dict(raw: Mapping[str, Any]) -> DateVocabulary:
    """Build a :class:`DateVocabulary` from the parsed JSON of ``dates.json``.

    Args:
        raw: The parsed data file.

    Returns:
        The vocabulary.

    """
    months, weekdays = raw["months"], raw["weekdays"]
    cues = raw["tense_cues"]
    return DateVocabulary(
        months={**_names(months, "abbreviations"), **_names(months, "names")},
        month_names=tuple(n for e in months for n in e["names"]),
        month_abbreviations=tuple(n for e in months for n in e["abbreviations"]),
        weekdays={**_names(weekdays, "abbreviations"), **_names(weekdays, "names")},
        weekday_names=tuple(n for e in weekdays for n in e["names"]),
        weekday_abbreviations=tuple(n for e in weekdays for n in e["abbreviations"]),
        numbers={k.casefold(): int(v) for k, v in raw["numbers"].items()},
        ordinal_suffixes=tuple(raw["ordinal_suffixes"]),
        parts_of_day=tuple(raw["parts_of_day"]),
        weekday_modifiers={k.casefold(): v for k, v in raw["weekday_modifiers"].items()},
        weekday_blockers=frozenset(raw["weekday_blockers"]),
        month_prepositions=tuple(raw["month_prepositions"]),
        month_modifiers={k.casefold(): v for k, v in raw["month_modifiers"].items()},
        year_prepositions=tuple(raw["year_prepositions"]),
        day_prepositions=tuple(raw["day_prepositions"]),
        ordinal_day_followers=tuple(raw["ordinal_day_followers"]),
        units={k.casefold(): v for k, v in raw["units"].items()},
        period_relatives=_by_phrase(raw["period_relatives"], "phrase"),
        count_relatives=_by_phrase(raw["count_relatives"], "word"),
        day_phrases=_by_phrase(raw["day_phrases"], "phrase"),
        future_cues=frozenset(w.casefold() for w in cues["future"]),
        past_cues=frozenset(w.casefold() for w in cues["past"]),
        past_suffix=str(cues["past_suffix"]),
        window_before=int(cues["window_before"]),
        window_after=int(cues["window_after"]),
        reporting_verbs=frozenset(raw["reporting_verbs"]),
        future_window_days=int(raw.get("future_window_days", 0)),
        non_sentence_abbreviations=frozenset(
            _key(w)
            for w in [*raw.get("non_sentence_abbreviations", ())]
            + [n for e in [*months, *weekdays] for n in e["abbreviations"]]
        ),
        source=str(raw.get("source", "")),
    )


@lru_cache(maxsize=1)
def load_vocabulary() -> DateVocabulary:
    """Load the packaged date vocabulary (``kg/data/dates.json``), once."""
    text = resources.files("kg").joinpath("data/dates.json").read_text(encoding="utf-8")
    return vocabulary_from_dict(json.loads(text))


# --------------------------------------------------------------------------- regex grammar


def _alt(words: Iterable[str]) -> str:
    """Build a regex alternation of ``words``, longest first; spaces match any whitespace."""
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in unique)


def _cased(words: Iterable[str]) -> list[str]:
    """Each word as written and in capitals (calendar names are matched case-sensitively)."""
    return [form for w in words for form in (w, w.upper())]


def _month_re(v: DateVocabulary, *, alone: bool) -> str:
    """Regex for a month name; abbreviations need their period unless a number follows."""
    names = _alt(_cased(v.month_names))
    abbrs = _alt(_cased(v.month_abbreviations))
    abbr_end = r"\." if alone else r"(?:\.|(?![A-Za-z]))"
    return rf"(?:(?:{names})(?![A-Za-z])|(?:{abbrs}){abbr_end})"


def _weekday_re(v: DateVocabulary) -> str:
    """Regex for a weekday name; abbreviations need their period."""
    names = _alt(_cased(v.weekday_names))
    abbrs = _alt(_cased(v.weekday_abbreviations))
    return rf"(?:(?:{names})(?![A-Za-z])|(?:{abbrs})\.)"


def _ci(words: Iterable[str]) -> str:
    """Build a case-insensitive alternation of ``words``."""
    return rf"(?i:{_alt(words)})"


@dataclass(frozen=True)
class _Grammar:
    """Compiled patterns, one per kind of expression."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    bare_day: re.Pattern[str]
    whole_year: re.Pattern[str]
    whole_ordinal: re.Pattern[str]
    whole_day: re.Pattern[str]


@lru_cache(maxsize=4)
def _grammar(v: DateVocabulary) -> _Grammar:
    """Compile the patterns for vocabulary ``v``."""
    month, month_alone = _month_re(v, alone=False), _month_re(v, alone=True)
    weekday = _weekday_re(v)
    suffix = rf"(?:{_alt(v.ordinal_suffixes)})?"
    day1, day2 = rf"(?P<d1>{_DAY}){suffix}(?!\d)", rf"(?P<d2>{_DAY}){suffix}(?!\d)"
    year = rf"(?:,?\s+(?P<y>{_YEAR})(?![\d\w]))?"
    lead_wd = rf"(?:(?P<wd>{weekday}),?\s+)?"
    month_mods = _ci([m for m in v.month_modifiers if m not in ("mid",)] + ["mid-", "mid"])
    followers = _alt(v.ordinal_day_followers)
    ordinal_follow = rf"(?=\s*(?:[,.;:!?)\]\"\u201d]|$)|\s+(?i:{followers})\b)"
    units = _ci(v.units)
    period_units = _ci(k for k, unit in v.units.items() if k == unit and unit != "day")
    year_unit = _ci(k for k, unit in v.units.items() if k == unit == "year")
    year_rels = _ci(
        k for k, e in v.period_relatives.items() if e["ref"] == "anchor" and "clip" not in e
    )
    numbers = rf"(?:{_ci(v.numbers)}|\d{{1,3}})"
    patterns = {
        "iso": r"(?<![\w-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\w-])",
        "mdy": rf"(?<![\w.]){lead_wd}(?P<m>{month})\s+{day1}"
        rf"(?:{_DASH}(?:(?P<m2>{month})\s+)?{day2})?{year}(?![\w])",
        "dmy": rf"(?<![\w.,]){lead_wd}(?:(?i:the)\s+)?{day1}(?:{_DASH}{day2})?"
        rf"\s+(?:(?i:of)\s+)?(?P<m>{month}){year}(?![\w])",
        "my": rf"(?<![\w.])(?:(?P<mod>{month_mods})[\s-]*)?(?P<m>{month})"
        rf",?\s+(?P<y>{_YEAR})(?![\d\w])",
        "month_rel": rf"(?<![\w.])(?:(?P<mod>{month_mods})[\s-]*)?(?P<m>{month_alone})"
        rf"\s+(?P<rel>{year_rels})\s+(?P<unit>{year_unit})(?![\w])",
        "month": rf"(?<![\w])(?P<pre>{_ci(v.month_prepositions)}|{month_mods})[\s-]+"
        rf"(?P<m>{month_alone})(?!\s*\d)",
        "year": rf"(?<![\w])(?P<pre>{_ci(v.year_prepositions)})[\s-]+(?P<y>{_YEAR})"
        rf"(?![\d\w%]|[.,]\d|\s*[-\u2013]\s*\d|\s+(?i:percent|per\s+cent))",
        "weekday": rf"(?<![\w])(?:(?P<mod>{_ci(v.weekday_modifiers)})\s+)?(?P<wd>{weekday})"
        rf"(?:\s+(?P<pod>{_ci(v.parts_of_day)}))?(?![\w])",
        "ordinal": rf"(?<![\w])(?P<pre>{_ci(v.day_prepositions)})\s+(?P<the>(?i:the))\s+"
        rf"(?P<d>{_DAY})(?:{_alt(v.ordinal_suffixes)}){ordinal_follow}",
        "day_phrase": rf"(?<![\w])(?P<p>{_ci(v.day_phrases)})(?![\w])",
        "period": rf"(?<![\w])(?P<rel>{_ci(v.period_relatives)})\s+"
        rf"(?P<unit>{period_units})(?![\w])",
        "count": rf"(?<![\w,.])(?P<n>{numbers})\s+(?P<unit>{units})\s+"
        rf"(?P<word>{_ci(v.count_relatives)})(?![\w])",
    }
    return _Grammar(
        patterns=tuple((k, re.compile(p)) for k, p in patterns.items()),
        bare_day=re.compile(rf"(?<![\w.,])(?P<d>{_DAY})(?=,\s+[a-z])"),
        whole_year=re.compile(rf"\s*(?P<y>{_YEAR})\s*"),
        whole_ordinal=re.compile(
            rf"\s*(?:{_ci(v.day_prepositions)}\s+)?(?P<e>(?i:the)\s+(?P<d>{_DAY})"
            rf"(?:{_alt(v.ordinal_suffixes)}))\s*"
        ),
        whole_day=re.compile(rf"\s*(?P<d>{_DAY})\s*"),
    )


# --------------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class _Candidate:
    """A matched expression before resolution."""

    kind: str
    start: int
    end: int
    groups: Mapping[str, str | None] = field(default_factory=dict)


def _span_start(kind: str, m: re.Match[str], v: DateVocabulary) -> int:
    """Where the expression proper starts: plain prepositions ("on", "in") are left out."""
    if kind in ("month", "year"):
        pre = _norm(m.group("pre") or "").rstrip("-")
        keep = pre in v.month_modifiers or pre in ("early", "mid", "late")
        return m.start("pre") if keep else m.start("m" if kind == "month" else "y")
    if kind == "ordinal":
        return m.start("the")
    return m.start()


def _accept(kind: str, m: re.Match[str], text: str, v: DateVocabulary) -> bool:
    """Filter matches the regexes cannot rule out on their own."""
    if kind == "weekday":
        before = _WORD.findall(text[: m.start("wd")][-40:])
        if before and before[-1] in v.weekday_blockers and not m.group("mod"):
            return False
        abbreviated = _key(m.group("wd")) not in {_key(n) for n in v.weekday_names}
        if (
            abbreviated
            and not m.group("mod")
            and not (before and before[-1].casefold() in v.day_prepositions)
        ):
            return False  # "The Sun." is a newspaper; "on Sun." is a day
    if kind == "period" and _norm(m.group("rel")) in ("last", "next"):
        before = _WORD.findall(text[max(0, m.start() - 20) : m.start()])
        if before and before[-1].casefold() == "the":
            return False  # "over the last year" is a duration, not last calendar year
    needs_pause = None
    if kind == "day_phrase":
        needs_pause = v.day_phrases[_norm(m.group("p"))].get("needs_pause")
    elif kind == "count":
        needs_pause = v.count_relatives[_norm(m.group("word"))].get("needs_pause")
    return not needs_pause or bool(_PAUSE.match(text, m.end()))


def _norm(phrase: str) -> str:
    """Collapse whitespace and case-fold a matched phrase for vocabulary lookup."""
    return " ".join(phrase.split()).casefold()


@lru_cache(maxsize=64)
def _candidates(text: str, v: DateVocabulary) -> tuple[_Candidate, ...]:
    """All non-overlapping expressions in ``text``, longest first on conflict, in text order."""
    found: list[_Candidate] = []
    for kind, pattern in _grammar(v).patterns:
        for m in pattern.finditer(text):
            if _accept(kind, m, text, v):
                found.append(_Candidate(kind, _span_start(kind, m, v), m.end(), m.groupdict()))
    for m in _grammar(v).bare_day.finditer(text):
        if m.start() > 0 and m.start() in _sentence_starts(text, v):
            found.append(_Candidate("bare", m.start(), m.end(), m.groupdict()))
    chosen: list[_Candidate] = []
    for cand in sorted(found, key=lambda c: (c.start, c.start - c.end)):
        if not chosen or cand.start >= chosen[-1].end:
            chosen.append(cand)
        elif cand.end - cand.start > chosen[-1].end - chosen[-1].start:
            chosen[-1] = cand  # overlaps the last one and is longer
    return tuple(chosen)


@lru_cache(maxsize=64)
def _sentence_starts(text: str, v: DateVocabulary) -> tuple[int, ...]:
    """Return the offsets where sentences start (0 first); abbreviations do not end one."""
    starts = [0]
    for m in _SENTENCE_END.finditer(text):
        word = re.search(r"(\w+)$", text[max(0, m.start() - 12) : m.start()])
        if text[m.start()] == "." and word:
            token = word.group(1)
            initial = len(token) == 1 and token.isalpha()
            if initial or _key(token) in v.non_sentence_abbreviations:
                continue
        starts.append(m.end())
    return tuple(starts)


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the start and end offsets of the sentence around ``text[start:end]``."""
    starts = _sentence_starts(text, load_vocabulary())
    index = bisect.bisect_right(starts, start) - 1
    after = bisect.bisect_right(starts, max(start, end - 1))
    return starts[index], starts[after] if after < len(starts) else len(text)


# --------------------------------------------------------------------------- calendar helpers


def _date(year: int, month: int, day: int) -> dt.date | None:
    """``datetime.date`` or None when the day does not exist."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_shift(year: int, month: int, offset: int) -> tuple[int, int]:
    """Return the (year, month) ``offset`` months away."""
    index = year * 12 + month - 1 + offset
    return index // 12, index % 12 + 1


def _month_last(year: int, month: int) -> dt.date:
    """Return the last day of a month."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _week_first(day: dt.date) -> dt.date:
    """Return the Monday of the week containing ``day``."""
    return day - dt.timedelta(days=day.weekday())


def _day_with_year(
    month: int, day: int, anchor: dt.date, tense: str, window: int
) -> dt.date | None:
    """Place ``month``/``day`` in the year that puts it closest to the anchor.

    Past tense: at or before the anchor; future tense: at or after it; unknown tense: the
    upcoming one if it is at most ``window`` days ahead, else as past.
    """
    years = range(anchor.year - 8, anchor.year + 9)
    days = [d for d in (_date(y, month, day) for y in years) if d is not None]
    before = max((d for d in days if d <= anchor), default=None)
    after = min((d for d in days if d >= anchor), default=None)
    if tense == FUTURE or (tense == UNKNOWN and after and (after - anchor).days <= window):
        return after
    return before


def _month_with_year(month: int, anchor: dt.date, mode: str, window: int) -> tuple[int, int]:
    """Return (year, month) for a month name; modes past/future inclusive, before/after strict.

    An unknown tense reads the month as upcoming when it starts at most ``window`` days ahead.
    """
    here = anchor.month
    if mode == UNKNOWN:
        ahead = _month_with_year(month, anchor, FUTURE, window)
        starts_in = (dt.date(ahead[0], ahead[1], 1) - anchor).days
        return ahead if starts_in <= window else _month_with_year(month, anchor, PAST, window)
    if mode in (PAST, "before"):
        back = month > here or (mode == "before" and month == here)
        return anchor.year - back, month
    ahead = month < here or (mode == "after" and month == here)
    return anchor.year + ahead, month


def _weekday_near(anchor: dt.date, weekday: int, mode: str) -> dt.date:
    """Return the ``weekday`` nearest the anchor; past/future inclusive, before/after strict."""
    if mode in (PAST, "before"):
        back = (anchor.weekday() - weekday) % 7 or (7 if mode == "before" else 0)
        return anchor - dt.timedelta(days=back)
    ahead = (weekday - anchor.weekday()) % 7 or (7 if mode == "after" else 0)
    return anchor + dt.timedelta(days=ahead)


def _period(unit: str, ref: dt.date, offset: int) -> tuple[dt.date, dt.date]:
    """First and last day of the ``unit`` (day/week/month/year) ``offset`` units from ``ref``."""
    if unit == "day":
        day = ref + dt.timedelta(days=offset)
        return day, day
    if unit == "week":
        first = _week_first(ref) + dt.timedelta(weeks=offset)
        return first, first + dt.timedelta(days=6)
    if unit == "month":
        year, month = _month_shift(ref.year, ref.month, offset)
        return dt.date(year, month, 1), _month_last(year, month)
    year = ref.year + offset
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# --------------------------------------------------------------------------- resolution


@dataclass(frozen=True)
class _Context:
    """What an expression is resolved against."""

    text: str
    anchor: dt.date | None
    previous: dt.date | None
    tense: str
    continued: ResolvedDate | None = None


def _result(
    cand: _Candidate,
    ctx: _Context,
    granularity: str,
    first: dt.date,
    last: dt.date,
    value: dt.date | None = None,
) -> ResolvedDate:
    """Build the :class:`ResolvedDate` for a candidate covering ``first``..``last``."""
    same_year = first.year == last.year
    same_month = same_year and first.month == last.month
    if granularity == "day" and value is None:
        value = first
    return ResolvedDate(
        start=cand.start,
        end=cand.end,
        text=ctx.text[cand.start : cand.end],
        value=value,
        granularity=granularity,
        year=first.year if same_year else None,
        month=first.month if same_month and granularity != "year" else None,
        first=first,
        last=last,
    )


def _resolve_day_range(cand: _Candidate, ctx: _Context, v: DateVocabulary) -> ResolvedDate | None:
    """Month-day(-day)(, year) and day(-day)-month(-year) expressions."""
    g = cand.groups
    month, day = v.months[_key(g["m"] or "")], int(g["d1"] or 0)
    if g.get("y"):
        first = _date(int(g["y"] or 0), month, day)
    elif ctx.anchor is not None:
        first = _day_with_year(month, day, ctx.anchor, ctx.tense, v.future_window_days)
    else:
        return None
    if first is None:
        return None
    last = first
    if g.get("d2"):
        month2 = v.months[_key(g["m2"])] if g.get("m2") else month
        year2 = first.year + (month2 < month)
        last = _date(year2, month2, int(g["d2"] or 0))
        if last is None or last <= first:
            return None
    return _result(cand, ctx, "day", first, last, value=first)


def _resolve_iso(cand: _Candidate, ctx: _Context, v: DateVocabulary) -> ResolvedDate | None:
    """Resolve ``YYYY-MM-DD``."""
    g = cand.groups
    day = _date(int(g["y"] or 0), int(g["m"] or 0), int(g["d"] or 0))
    return _result(cand, ctx, "day", day, day) if day else None


def _resolve_month(cand: _Candidate, ctx: _Context, v: DateVocabulary) -> ResolvedDate | None:
    """Resolve a month with a year, or a month name after a preposition or modifier."""
    g = cand.groups
    month = v.months[_key(g["m"] or "")]
    if g.get("y"):
        year = int(g["y"] or 0)
    elif ctx.anchor is None:
        return None
    elif g.get("rel"):
        year = ctx.anchor.year + int(v.period_relatives[_norm(g["rel"] or "")]["offset"])
    else:
        word = _norm(g.get("pre") or g.get("mod") or "").rstrip("-")
        mode = v.month_modifiers.get(word, "tense")
        mode = ctx.tense if mode == "tense" else mode
        year, month = _month_with_year(month, ctx.anchor, mode, v.future_window_days)
    return _result(cand, ctx, "month", dt.date(year, month, 1), _month_last(year, month))


def _resolve_year(cand: _Candidate, ctx: _Context, v: DateVocabulary) -> ResolvedDate | None:
    """Resolve a year after a preposition ("in 2014")."""
    year = int(cand.groups["y"] or 0)
    return _result(cand, ctx, "year", dt.date(year, 1, 1), dt.date(year, 12, 31))


def _resolve_weekday(cand: _Candidate, ctx: _Context, v: DateVocabulary) -> ResolvedDate | None:
    """Resolve a weekday, maybe with "last"/"next"/"this" and a part of the day."""
    if ctx.anchor is None:
        return None
    mode = v.weekday_modifiers.get(_norm(cand.groups.get("mod") or ""), "tense")
    if mode == "tense":
        mode = FUTURE if ctx.tense == FUTURE else PAST
    day = _weekday_near(ctx.anchor, v.weekdays[_key(cand.groups["wd"] or "")], mode)
    return _result(cand, ctx, "day", day, day)


def _reference(ref: str, ctx: _Context) -> dt.date | None:
    """Return the day a relative expression counts from."""
    if ref == "anchor":
        return ctx.anchor
    if ref == "previous_only":
        return ctx.previous
    return ctx.previous or ctx.anchor


def _resolve_ordinal(cand: _Candidate, ctx: _Context, v: DateVocabulary) -> ResolvedDate | None:
    """Resolve "on the 5th": that day of the previous date's month, else the anchor's."""
    day = int(cand.groups["d"] or 0)
    if ctx.previous is not None:
        value = _date(ctx.previous.year, ctx.previous.month, day)
    elif ctx.anchor is not None:
        offset = int(day < ctx.anchor.day) if ctx.tense == FUTURE else -(day > ctx.anchor.day)
        year, month = _month_shift(ctx.anchor.year, ctx.anchor.month, offset)
        value = _date(year, month, day)
    else:
        return None
    return _result(cand, ctx, "day", value, value) if value else None


def _resolve_day_phrase(cand: _Candidate, ctx: _Context, v: DateVocabulary) -> ResolvedDate | None:
    """Resolve "yesterday", "the next day", "that day" ..."""
    entry = v.day_phrases[_norm(cand.groups["p"] or "")]
    ref = _reference(entry["ref"], ctx)
    if ref is None:
        return None
    day = ref + dt.timedelta(days=int(entry["offset"]))
    return _result(cand, ctx, "day", day, day)


def _resolve_period(cand: _Candidate, ctx: _Context, v: DateVocabulary) -> ResolvedDate | None:
    """Resolve "last week", "this month", "earlier this year", "the following week" ..."""
    entry = v.period_relatives[_norm(cand.groups["rel"] or "")]
    unit = v.units[_norm(cand.groups["unit"] or "")]
    ref = _reference(entry["ref"], ctx)
    if ref is None:
        return None
    first, last = _period(unit, ref, int(entry["offset"]))
    clip = entry.get("clip")
    if clip == "before" and first < ref:
        last = min(last, ref - dt.timedelta(days=1))
    elif clip == "after" and ref < last:
        first = max(first, ref + dt.timedelta(days=1))
    return _result(cand, ctx, unit, first, last)


def _resolve_count(cand: _Candidate, ctx: _Context, v: DateVocabulary) -> ResolvedDate | None:
    """Resolve "two days later", "three weeks ago", "a year earlier" ..."""
    g = cand.groups
    number = g["n"] or ""
    count = int(number) if number.isdigit() else v.numbers[_norm(number)]
    entry = v.count_relatives[_norm(g["word"] or "")]
    unit = v.units[_norm(g["unit"] or "")]
    ref = _reference(entry["ref"], ctx)
    if ref is None:
        return None
    first, last = _period(unit, ref, int(entry["sign"]) * count)
    return _result(cand, ctx, unit, first, last)


def _resolve_bare(cand: _Candidate, ctx: _Context, v: DateVocabulary) -> ResolvedDate | None:
    """Resolve a sentence-initial day number continuing the previous sentence's month."""
    prev = ctx.continued
    if prev is None or prev.year is None or prev.month is None:
        return None
    day = int(cand.groups["d"] or 0)
    if prev.value is not None and day <= prev.value.day:
        return None
    value = _date(prev.year, prev.month, day)
    return _result(cand, ctx, "day", value, value) if value else None


_RESOLVERS: dict[str, Callable[[_Candidate, _Context, DateVocabulary], ResolvedDate | None]] = {
    "iso": _resolve_iso,
    "mdy": _resolve_day_range,
    "dmy": _resolve_day_range,
    "my": _resolve_month,
    "month": _resolve_month,
    "month_rel": _resolve_month,
    "year": _resolve_year,
    "weekday": _resolve_weekday,
    "ordinal": _resolve_ordinal,
    "day_phrase": _resolve_day_phrase,
    "period": _resolve_period,
    "count": _resolve_count,
    "bare": _resolve_bare,
}
_EXPLICIT_MONTH = frozenset({"iso", "mdy", "dmy", "my", "month", "month_rel"})


def _cue_tense(text: str, start: int, end: int, v: DateVocabulary) -> str | None:
    """Tense suggested by the nearest cue word around ``text[start:end]`` in its sentence."""
    begin, stop = _sentence_bounds(text, start, end)
    reach = 30 * max(v.window_before, v.window_after)  # characters enough for the word windows
    before = _WORD.findall(text[max(begin, start - reach) : start])[::-1][: v.window_before]
    after = _WORD.findall(text[end : min(stop, end + reach)])[: v.window_after]
    best: tuple[int, int, str] | None = None
    for words in (before, after):
        for distance, word in enumerate(words, 1):
            low = word.casefold()
            if low in v.future_cues:
                hit = (distance, 1, FUTURE)
            elif low in v.past_cues or (len(low) > 4 and low.endswith(v.past_suffix)):
                hit = (distance, 0, PAST)
            else:
                continue
            best = min(best, hit) if best else hit
            break
    return best[2] if best else None


@dataclass(frozen=True)
class _Step:
    """One candidate of a text with what it resolved to and the state it was resolved in."""

    cand: _Candidate
    resolved: ResolvedDate | None
    previous: dt.date | None
    explicit: ResolvedDate | None


def _continued(text: str, cand: _Candidate, explicit: ResolvedDate | None) -> ResolvedDate | None:
    """The explicit month date a sentence-initial day number continues, if any."""
    if cand.kind != "bare" or explicit is None:
        return None
    before = _sentence_bounds(text, cand.start - 1, cand.start)[0]
    same = _sentence_bounds(text, explicit.start, explicit.end)[0] == before
    return explicit if same and explicit.end < cand.start else None


def _advance(
    cand: _Candidate,
    resolved: ResolvedDate | None,
    previous: dt.date | None,
    explicit: ResolvedDate | None,
) -> tuple[dt.date | None, ResolvedDate | None]:
    """The chained state (previous day, last explicit month date) after a candidate."""
    if resolved is None:
        return previous, explicit
    if resolved.granularity == "day" and resolved.value is not None:
        previous = resolved.value
    if cand.kind in _EXPLICIT_MONTH or cand.kind == "bare":
        explicit = resolved
    return previous, explicit


def _step(
    text: str,
    cand: _Candidate,
    anchor: dt.date | None,
    previous: dt.date | None,
    explicit: ResolvedDate | None,
    tense: str | None,
) -> ResolvedDate | None:
    """Resolve one candidate in its chained state; ``tense`` None detects it from cue words."""
    v = load_vocabulary()
    here = tense or _cue_tense(text, cand.start, cand.end, v) or UNKNOWN
    ctx = _Context(text, anchor, previous, here, _continued(text, cand, explicit))
    return _RESOLVERS[cand.kind](cand, ctx, v)


def _resolve_all(
    text: str,
    anchor: dt.date | None,
    previous: dt.date | None,
    tense: str | None,
) -> list[_Step]:
    """Resolve every candidate of ``text`` in order, chaining ``previous`` through the text.

    Args:
        text: The text to scan.
        anchor: The article date.
        previous: The day relative expressions count from before any date in ``text``.
        tense: Force this tense for every expression; None detects it from cue words.

    Returns:
        Each candidate with its resolution (None when it does not resolve) and the state
        (previous day, last explicit month date) it was resolved in.

    """
    out: list[_Step] = []
    explicit: ResolvedDate | None = None
    for cand in _candidates(text, load_vocabulary()):
        resolved = _step(text, cand, anchor, previous, explicit, tense)
        out.append(_Step(cand, resolved, previous, explicit))
        previous, explicit = _advance(cand, resolved, previous, explicit)
    return out


@dataclass(frozen=True, eq=False)
class _Chain:
    """Every candidate of a whole document resolved once, in order, and their end offsets."""

    steps: tuple[_Step, ...]
    ends: tuple[int, ...]


@lru_cache(maxsize=8)
def _chain(text: str, anchor: dt.date | None, previous: dt.date | None) -> _Chain:
    """Resolve a whole document once (see :func:`resolve_span`); cached per text and anchor."""
    steps = tuple(_resolve_all(text, anchor, previous, None))
    return _Chain(steps, tuple(s.cand.end for s in steps))


def _check_tense(tense: str | None) -> None:
    """Reject a tense other than "past", "future" or None."""
    if tense not in (PAST, FUTURE, None):
        raise ValueError(f"tense must be 'past' or 'future', not {tense!r}")


def find_dates(
    text: str,
    anchor: dt.date | None,
    *,
    previous: dt.date | None = None,
    tense: str | None = None,
) -> list[ResolvedDate]:
    """Find and resolve every date expression in a sentence or a whole text.

    Relative expressions such as "the next day" count from the last day resolved earlier in
    ``text`` (or ``previous``). Pass a whole article or paragraph to let a sentence that starts
    with a bare day number continue the month of the sentence before.

    Args:
        text: The text to scan.
        anchor: The article date, or None (then only dates with an explicit year resolve).
        previous: Day that relative expressions count from before any date in ``text``.
        tense: "past" or "future" to force a tense; None (default) guesses it for each
            expression from nearby words ("will", "said", ...); without such words it is
            treated as unknown (see :func:`resolve_expression`).

    Returns:
        The expressions that resolve, in text order; offsets index ``text``.

    """
    _check_tense(tense)
    return [
        s.resolved for s in _resolve_all(text, anchor, previous, tense) if s.resolved is not None
    ]


def _whole_text(
    text: str, anchor: dt.date | None, previous: dt.date | None, tense: str
) -> ResolvedDate | None:
    """Resolve what is only accepted as the whole text: a year, "the 5th", a day number."""
    g = _grammar(load_vocabulary())
    ctx = _Context(text, anchor, previous, tense)
    if m := g.whole_year.fullmatch(text):
        year = int(m.group("y"))
        cand = _Candidate("year", m.start("y"), m.end("y"))
        return _result(cand, ctx, "year", dt.date(year, 1, 1), dt.date(year, 12, 31))
    if m := g.whole_ordinal.fullmatch(text):
        cand = _Candidate("ordinal", m.start("e"), m.end("e"), {"d": m.group("d")})
        return _resolve_ordinal(cand, ctx, load_vocabulary())
    if (m := g.whole_day.fullmatch(text)) and previous is not None:
        value = _date(previous.year, previous.month, int(m.group("d")))
        cand = _Candidate("bare", m.start("d"), m.end("d"))
        return _result(cand, ctx, "day", value, value) if value else None
    return None


def resolve_expression(
    text: str,
    anchor: dt.date | None,
    *,
    previous: dt.date | None = None,
    tense: str | None = PAST,
) -> ResolvedDate | None:
    """Resolve one date expression ("on Thursday", "Jan. 2", "two days later", "in 2014").

    Args:
        text: The expression, possibly with a preposition or a little context around it.
        anchor: The article date, or None (then only dates with an explicit year resolve).
        previous: Day that "the next day", "two days later" ... count from (default: anchor);
            also the month a bare day number ("2") or "the 5th" belongs to.
        tense: "past" (reporting, the default) or "future" ("will meet on Thursday"); None when
            unknown: past, except that a month or month-day without a year that falls a little
            after the anchor (``future_window_days`` in the data file) is read as upcoming.

    Returns:
        The longest expression found in ``text``, resolved, or None when there is none or it
        does not resolve (unknown anchor, invalid day such as "February 30").

    """
    _check_tense(tense)
    resolved = _resolve_all(text, anchor, previous, tense or UNKNOWN)
    if not resolved:
        return _whole_text(text, anchor, previous, tense or UNKNOWN)
    best = max(resolved, key=lambda s: (s.cand.end - s.cand.start, -s.cand.start))
    return best.resolved


# --------------------------------------------------------------------------- spaCy


def span_tense(span: Span) -> str | None:
    """Guess the tense of the clause a date span belongs to from the dependency parse.

    Args:
        span: A spaCy span (a DATE or TIME entity) from a parsed doc.

    Returns:
        "future" for "will/shall + verb" or a present-tense non-reporting verb ("the talks open
        on Monday"), "past" for a past-tense verb, None when the parse does not tell.

    """
    v = load_vocabulary()
    head = span.root
    for _ in range(4):
        if head.pos_ in ("VERB", "AUX") or head.head is head:
            break
        head = head.head
    if head.pos_ not in ("VERB", "AUX"):
        return None
    aux = {c.lower_ for c in head.children if c.dep_ in ("aux", "auxpass")}
    if aux & v.future_cues:
        return FUTURE
    if head.tag_ in ("VBD", "VBN") or aux & v.past_cues:
        return PAST
    prep = span.root.head.lower_ if span.root.dep_ == "pobj" else ""
    if (
        head.tag_ in ("VBZ", "VBP")
        and not aux
        and prep in ("", "on")
        and head.lemma_ not in v.reporting_verbs
        and head.lemma_ not in ("be", "have")
    ):
        return FUTURE
    return None


_TEXTS: weakref.WeakKeyDictionary[Doc, str] = weakref.WeakKeyDictionary()


def doc_text(doc: Doc) -> str:
    """The text of a spaCy doc, joined once per doc (``Doc.text`` joins every token each time)."""
    text = _TEXTS.get(doc)
    if text is None:
        text = _TEXTS[doc] = doc.text
    return text


def resolve_span(
    span: Span,
    anchor: dt.date | None,
    *,
    previous: dt.date | None = None,
    tense: str | None = None,
) -> ResolvedDate | None:
    """Resolve a spaCy DATE (or TIME) entity span against the article date.

    The whole doc is scanned (once per doc and anchor: later calls reuse the scan) so that "on",
    "last", the tense of the clause, the previous date (for "the following day") and a preceding
    month (for a bare day number) are taken into account. Offsets of the result index
    ``span.doc.text``.

    Args:
        span: The entity span.
        anchor: The article date, or None.
        previous: Day that relative expressions count from before the first date of the doc.
        tense: Force "past" or "future"; None (default) asks the parse, then cue words.

    Returns:
        The resolved expression overlapping the span, or None.

    """
    _check_tense(tense)
    text, lo, hi = doc_text(span.doc), span.start_char, span.end_char
    chosen = tense or span_tense(span)
    chain = _chain(text, anchor, previous)
    first = bisect.bisect_right(chain.ends, lo)
    best: tuple[int, ResolvedDate] | None = None
    prev: dt.date | None = None
    explicit: ResolvedDate | None = None
    for n in range(first, len(chain.steps)):
        cand = chain.steps[n].cand
        if cand.start >= hi:
            break
        if n == first:  # the state the whole-document scan reached before the span
            prev, explicit = chain.steps[n].previous, chain.steps[n].explicit
        result = _step(text, cand, anchor, prev, explicit, chosen)
        prev, explicit = _advance(cand, result, prev, explicit)
        overlap = min(hi, cand.end) - max(lo, cand.start)
        if result is not None and overlap > 0 and (best is None or overlap > best[0]):
            best = (overlap, result)
    if best is not None:
        return best[1]
    found = resolve_expression(span.text, anchor, previous=previous, tense=chosen)
    return found.shifted(lo) if found else None
