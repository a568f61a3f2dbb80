"""Birth-date evidence: age estimates, the 1 January placeholder and day/month swaps."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from qorgau.linkage.dates import (
    BirthInterval,
    any_compatible,
    candidates,
    compatible,
    from_age_estimate,
    from_date,
    swap_candidates,
    year_window,
    years_overlap,
)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def test_a_recorded_date_is_an_exact_interval() -> None:
    interval = from_date(date(2012, 5, 17))
    assert interval == BirthInterval(date(2012, 5, 17), date(2012, 5, 17))
    assert interval.exact
    assert interval.days == 1
    assert not interval.placeholder


def test_1_january_is_read_as_a_placeholder_for_the_whole_year() -> None:
    interval = from_date(date(2012, 1, 1))
    assert interval == BirthInterval(date(2012, 1, 1), date(2012, 12, 31), placeholder=True)
    assert interval.days == 366
    assert not interval.exact
    # so a child born in March that year is not ruled out
    assert compatible(interval, from_date(date(2012, 3, 8)))
    assert not compatible(interval, from_date(date(2013, 3, 8)))


def test_an_age_estimate_becomes_the_interval_of_possible_birth_dates() -> None:
    # "about 12 to 14" on 10 June 2025: born from 11 June 2010 to 10 June 2013
    interval = from_age_estimate(12, 14, date(2025, 6, 10))
    assert interval == BirthInterval(date(2010, 6, 11), date(2013, 6, 10))


def test_an_exact_age_is_a_year_long_interval() -> None:
    interval = from_age_estimate(0, 0, date(2025, 6, 10))
    assert interval == BirthInterval(date(2024, 6, 11), date(2025, 6, 10))


def test_an_estimate_on_29_february_stays_valid() -> None:
    interval = from_age_estimate(1, 1, date(2024, 2, 29))
    assert interval == BirthInterval(date(2022, 3, 1), date(2023, 2, 28))


@pytest.mark.parametrize(("age_min", "age_max"), [(-1, 3), (5, 4)])
def test_impossible_ages_are_refused(age_min: int, age_max: int) -> None:
    with pytest.raises(ValueError, match="ages"):
        from_age_estimate(age_min, age_max, date(2025, 1, 1))


def test_an_empty_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        BirthInterval(date(2012, 2, 1), date(2012, 1, 1))


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (date(2012, 4, 3), (date(2012, 4, 3), date(2012, 3, 4))),  # 03.04 or 04.03
        (date(2012, 12, 1), (date(2012, 12, 1), date(2012, 1, 12))),
        (date(2012, 4, 13), (date(2012, 4, 13),)),  # no 13th month
        (date(2012, 5, 5), (date(2012, 5, 5),)),  # the same either way
    ],
)
def test_day_and_month_swaps_are_candidates_when_both_readings_are_dates(
    written: date, expected: tuple[date, ...]
) -> None:
    assert swap_candidates(written) == expected


def test_candidates_flag_the_swapped_reading_and_the_placeholder() -> None:
    assert candidates(date(2012, 1, 1)) == (
        BirthInterval(date(2012, 1, 1), date(2012, 12, 31), placeholder=True),
    )
    written, swapped = candidates(date(2012, 4, 3))
    assert (written.earliest, written.swapped) == (date(2012, 4, 3), False)
    assert (swapped.earliest, swapped.swapped) == (date(2012, 3, 4), True)
    # 12 January written as 01.12 by the other agency: compatible only through the swap
    ours, theirs = candidates(date(2012, 1, 12)), candidates(date(2012, 12, 1))
    assert not compatible(ours[0], theirs[0])
    assert any_compatible(ours, theirs)


def test_year_windows_for_blocking() -> None:
    estimate = from_age_estimate(12, 14, date(2025, 6, 10))
    assert year_window(estimate) == (2010, 2013)
    assert year_window(estimate, slack_years=1) == (2009, 2014)
    assert years_overlap(estimate, from_date(date(2013, 9, 1)))
    assert not years_overlap(estimate, from_date(date(2015, 9, 1)))
    assert years_overlap(estimate, from_date(date(2014, 9, 1)), slack_years=1)


dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))


@given(dates, dates, st.integers(0, 3))
def test_an_age_estimate_holds_exactly_the_birth_dates_with_that_age(
    birth: date, day: date, spread: int
) -> None:
    assume(birth <= day)
    age = age_on(birth, day)
    interval = from_age_estimate(max(age - spread, 0), age, day)
    assert interval.earliest <= birth <= interval.latest
    assert age_on(interval.earliest, day) == age
    assert age_on(interval.latest, day) == max(age - spread, 0)


@given(dates)
def test_swapping_twice_returns_the_date(written: date) -> None:
    for candidate in swap_candidates(written):
        assert written in swap_candidates(candidate)


@given(dates, dates, dates, dates)
def test_compatibility_is_symmetric_and_matches_overlap(a: date, b: date, c: date, d: date) -> None:
    first = BirthInterval(min(a, b), max(a, b))
    second = BirthInterval(min(c, d), max(c, d))
    assert compatible(first, second) == compatible(second, first)
    overlap = max(first.earliest, second.earliest) <= min(first.latest, second.latest)
    assert compatible(first, second) == overlap
    if overlap:
        assert years_overlap(first, second)
