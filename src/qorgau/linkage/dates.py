"""Birth-date evidence: an interval of possible birth dates, not a single date.

A child found without papers has an age estimate ("about 12 to 14 on the day she was found"),
registries write 1 January when only the year is known, and day and month get swapped between
DD.MM and MM.DD forms. The linker compares intervals, so none of these is mistaken for a
disagreement -- and none is mistaken for a precise agreement either (see `placeholder`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta


@dataclass(frozen=True)
class BirthInterval:
    """Born on some day from `earliest` to `latest`, both included."""

    earliest: date
    latest: date
    # The date was 1 January, which registries use when only the year is known.
    placeholder: bool = False
    # Read with day and month swapped (a candidate, not what the record says).
    swapped: bool = False

    def __post_init__(self) -> None:
        if self.earliest > self.latest:
            raise ValueError(f"empty interval: {self.earliest} > {self.latest}")

    @property
    def days(self) -> int:
        """How many possible birth dates (1 for an exact date)."""
        return (self.latest - self.earliest).days + 1

    @property
    def exact(self) -> bool:
        return self.earliest == self.latest


def from_date(birth_date: date) -> BirthInterval:
    """A recorded birth date; 1 January is read as "some day that year" (flagged placeholder)."""
    if (birth_date.month, birth_date.day) == (1, 1):
        return BirthInterval(birth_date, date(birth_date.year, 12, 31), placeholder=True)
    return BirthInterval(birth_date, birth_date)


def from_age_estimate(age_min: int, age_max: int, on_date: date) -> BirthInterval:
    """Aged from `age_min` to `age_max` full years on `on_date` (both included).

    Aged a on day D means born after D minus (a + 1) years and no later than D minus a years.
    """
    if not 0 <= age_min <= age_max:
        raise ValueError(f"ages must satisfy 0 <= min <= max, got {age_min}..{age_max}")
    latest = _years_before(on_date, age_min)
    earliest = _years_before(on_date, age_max + 1) + timedelta(days=1)
    return BirthInterval(earliest, latest)


def swap_candidates(birth_date: date) -> tuple[date, ...]:
    """The date, and the date with day and month swapped when that is also a valid, different
    date (3 April and 4 March; not 13 April, not 5 May)."""
    day, month = birth_date.day, birth_date.month
    if day <= 12 and day != month:
        return birth_date, date(birth_date.year, day, month)
    return (birth_date,)


def candidates(birth_date: date) -> tuple[BirthInterval, ...]:
    """Every reading of a recorded date: as written (or its placeholder year), then swapped."""
    written, *others = swap_candidates(birth_date)
    return (from_date(written), *(replace(from_date(d), swapped=True) for d in others))


def compatible(a: BirthInterval, b: BirthInterval) -> bool:
    """Could one child have both records: do the intervals share a day?"""
    return a.earliest <= b.latest and b.earliest <= a.latest


def any_compatible(a: tuple[BirthInterval, ...], b: tuple[BirthInterval, ...]) -> bool:
    return any(compatible(x, y) for x in a for y in b)


def year_window(interval: BirthInterval, slack_years: int = 0) -> tuple[int, int]:
    """Birth years to block on, widened by `slack_years` each side for typos in the year."""
    return interval.earliest.year - slack_years, interval.latest.year + slack_years


def years_overlap(a: BirthInterval, b: BirthInterval, slack_years: int = 0) -> bool:
    """Do the (widened) year windows meet? Coarser than `compatible`; it is what an index on
    birth year can answer."""
    a_first, a_last = year_window(a, slack_years)
    b_first, b_last = year_window(b, slack_years)
    return a_first <= b_last and b_first <= a_last


def _years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
