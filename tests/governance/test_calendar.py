"""Working days in England and Wales: weekends and bank holidays, including the one-off ones of 2022."""

import datetime

import pytest

from governance.calendar import add_working_days, is_working_day, working_days_before, working_days_between

D = datetime.date


@pytest.mark.parametrize("day", [
    D(2026, 12, 25),  # Christmas Day
    D(2026, 12, 28),  # Boxing Day falls on a Saturday: the Monday is the substitute
    D(2026, 4, 6),  # Easter Monday
    D(2026, 4, 3),  # Good Friday
    D(2022, 6, 3),  # Platinum Jubilee
    D(2022, 9, 19),  # State Funeral of Queen Elizabeth II
    D(2022, 1, 3),  # New Year's Day (Saturday) observed on the Monday
    D(2026, 11, 28), D(2026, 11, 29),  # a weekend
])
def test_weekends_and_bank_holidays_are_not_working_days(day):
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [D(2026, 12, 1), D(2026, 12, 24), D(2022, 9, 20), D(2026, 4, 7)])
def test_ordinary_weekdays_are_working_days(day):
    assert is_working_day(day)


def test_four_working_days_before_a_meeting_skips_the_weekend():
    # Thursday 10 December 2026: Fri 4, Mon 7, Tue 8, Wed 9 are the four working days before.
    assert working_days_before(D(2026, 12, 10), 4) == D(2026, 12, 4)


def test_four_working_days_before_skips_easter():
    # Thursday 9 April 2026: Wed 8, Tue 7, (Easter Monday 6, weekend, Good Friday 3), Thu 2, Wed 1.
    assert working_days_before(D(2026, 4, 9), 4) == D(2026, 4, 1)


def test_four_working_days_before_skips_christmas_and_boxing_day_substitute():
    # Wednesday 30 December 2026: Tue 29, (Mon 28 substitute, weekend, Fri 25 Christmas), Thu 24, Wed 23, Tue 22.
    assert working_days_before(D(2026, 12, 30), 4) == D(2026, 12, 22)


def test_four_working_days_before_skips_the_state_funeral():
    # Thursday 22 September 2022: Wed 21, Tue 20, (Mon 19 funeral, weekend), Fri 16, Thu 15.
    assert working_days_before(D(2022, 9, 22), 4) == D(2022, 9, 15)


def test_add_working_days_forwards_over_a_bank_holiday_weekend():
    assert add_working_days(D(2026, 4, 2), 1) == D(2026, 4, 7)  # Thursday before Easter to the Tuesday after
    assert add_working_days(D(2026, 12, 1), 0) == D(2026, 12, 1)
    assert add_working_days(D(2026, 11, 28), 0) == D(2026, 11, 28)  # zero days: the day itself, even a Saturday


def test_working_days_between_counts_the_days_after_the_first_up_to_the_second():
    assert working_days_between(D(2026, 12, 4), D(2026, 12, 10)) == 4
    assert working_days_between(D(2026, 12, 10), D(2026, 12, 4)) == -4
    assert working_days_between(D(2026, 12, 1), D(2026, 12, 1)) == 0
    assert working_days_between(D(2026, 12, 24), D(2026, 12, 29)) == 1  # only Tuesday 29th
    assert working_days_between(D(2022, 9, 16), D(2022, 9, 20)) == 1  # the funeral Monday does not count


@pytest.mark.parametrize("n", [0, 1, 4, 10, 23])
def test_the_functions_agree(n):
    start = D(2022, 12, 20)
    assert working_days_between(start, add_working_days(start, n)) == n
    assert working_days_between(working_days_before(start, n), start) == n


def test_a_negative_count_back_is_refused():
    with pytest.raises(ValueError, match="not -1"):
        working_days_before(D(2026, 12, 1), -1)
