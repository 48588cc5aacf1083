"""Working days in England and Wales, in one place: papers deadlines ("at least 4 working days before the
meeting") and anything else counted in working days use these functions.

A working day is Monday to Friday and not a bank holiday in England and Wales, including one-off bank
holidays (the Platinum Jubilee and the State Funeral of Queen Elizabeth II in 2022) and substitute days.
"""

import datetime
import functools

import holidays

# The holidays package's name for England (bank holidays in England and Wales are the same).
COUNTRY, SUBDIVISION = "GB", "ENG"


@functools.lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays(COUNTRY, subdiv=SUBDIVISION, years=year))


def is_bank_holiday(day: datetime.date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday, and not an England and Wales bank holiday."""
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `day` (before it, for negative n). n=0 gives `day` itself, working or not."""
    step = datetime.timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_before(day: datetime.date, n: int) -> datetime.date:
    """The day n working days before `day`: papers "at least 4 working days before" a meeting are due then."""
    if n < 0:
        raise ValueError(f"working_days_before counts back a number of days, not {n}")
    return add_working_days(day, -n)


def working_days_between(a: datetime.date, b: datetime.date) -> int:
    """Working days after `a` up to and including `b` (negative when b is before a), so that
    working_days_between(d, add_working_days(d, n)) == n."""
    if b < a:
        return -working_days_between(b, a)
    return sum(1 for offset in range(1, (b - a).days + 1) if is_working_day(a + datetime.timedelta(days=offset)))
