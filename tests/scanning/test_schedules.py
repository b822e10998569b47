"""Schedule rules: validation, DST-correct next runs and RFC 5545 text. Pure functions, so
`after` is passed explicitly instead of moving the clock."""

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from scanning.schedules import (
    FREQUENCIES,
    ScheduleError,
    ScheduleRule,
    next_run_at,
    occurrences,
    to_icalendar,
    validate_rule,
)

ATHENS = ZoneInfo("Europe/Athens")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def rule(start, zone="UTC", frequency="daily", **fields):
    return validate_rule(start_at=start.replace(tzinfo=ZoneInfo(zone)) if start.tzinfo is None else start,
                         timezone=zone, frequency=frequency, **fields)


def test_frequencies():
    assert FREQUENCIES == ("once", "hourly", "daily", "weekly", "monthly", "yearly")


# --- basic recurrence ------------------------------------------------------------------------


def test_next_run_is_strictly_after():
    daily = rule(datetime(2024, 1, 1, 9, 0))
    assert next_run_at(daily, utc(2023, 12, 1)) == utc(2024, 1, 1, 9)
    assert next_run_at(daily, utc(2024, 1, 1, 9)) == utc(2024, 1, 2, 9)
    assert next_run_at(daily, utc(2024, 1, 1, 8, 59, 59)) == utc(2024, 1, 1, 9)


def test_results_are_utc_and_naive_after_means_utc():
    daily = rule(datetime(2024, 1, 1, 9, 0), "Europe/Athens")
    result = next_run_at(daily, datetime(2024, 1, 1, 12, 0))
    assert result == utc(2024, 1, 2, 7) and result.tzinfo is UTC


def test_once_is_a_single_occurrence():
    once = rule(datetime(2024, 5, 1, 12, 0), "Europe/Athens", "once")
    assert next_run_at(once, utc(2024, 1, 1)) == utc(2024, 5, 1, 9)
    assert next_run_at(once, utc(2024, 5, 1, 9)) is None
    assert occurrences(once, utc(2024, 1, 1), 5) == [utc(2024, 5, 1, 9)]


def test_hourly_with_interval():
    hourly = rule(datetime(2024, 1, 1, 0, 15), frequency="hourly", interval=5)
    assert occurrences(hourly, utc(2024, 1, 1, 12), 3) == [utc(2024, 1, 1, 15, 15), utc(2024, 1, 1, 20, 15), utc(2024, 1, 2, 1, 15)]


def test_weekly_by_weekday():
    weekly = rule(datetime(2024, 1, 1, 8, 0), "Europe/Athens", "weekly", by_weekday=["MO", "we", "FR"])
    assert occurrences(weekly, utc(2024, 1, 1, 6), 4) == [  # 08:00 EET is 06:00 UTC
        utc(2024, 1, 3, 6), utc(2024, 1, 5, 6), utc(2024, 1, 8, 6), utc(2024, 1, 10, 6),
    ]


def test_every_other_week_on_tuesday():
    weekly = rule(datetime(2024, 1, 2, 22, 0), frequency="weekly", interval=2, by_weekday=["TU"])
    assert occurrences(weekly, utc(2024, 1, 1), 3) == [utc(2024, 1, 2, 22), utc(2024, 1, 16, 22), utc(2024, 1, 30, 22)]


def test_weekly_without_byday_repeats_the_start_weekday():
    weekly = rule(datetime(2024, 1, 4, 10, 0), frequency="weekly")  # a Thursday
    assert [moment.weekday() for moment in occurrences(weekly, utc(2024, 1, 1), 5)] == [3] * 5


def test_monthly_on_the_31st_skips_short_months():
    expected = [utc(2024, m, 31, 10) for m in (1, 3, 5, 7, 8, 10, 12)]
    implied = rule(datetime(2024, 1, 31, 10, 0), frequency="monthly")
    explicit = rule(datetime(2024, 1, 1, 10, 0), frequency="monthly", by_monthday=[31])
    assert occurrences(implied, utc(2024, 1, 1), 7) == expected
    assert occurrences(explicit, utc(2024, 1, 1), 7) == expected


def test_monthly_on_the_last_day():
    last = rule(datetime(2024, 1, 1, 10, 0), frequency="monthly", by_monthday=[-1])
    assert occurrences(last, utc(2024, 1, 1), 3) == [utc(2024, 1, 31, 10), utc(2024, 2, 29, 10), utc(2024, 3, 31, 10)]


def test_yearly_on_29_february():
    leap = rule(datetime(2024, 2, 29, 6, 0), frequency="yearly")
    assert occurrences(leap, utc(2024, 1, 1), 2) == [utc(2024, 2, 29, 6), utc(2028, 2, 29, 6)]


# --- DST --------------------------------------------------------------------------------------


def test_daily_keeps_local_time_across_spring_forward_athens():
    daily = rule(datetime(2024, 3, 1, 9, 0), "Europe/Athens")  # EET +2 → EEST +3 on 31 March
    assert occurrences(daily, utc(2024, 3, 29, 12), 3) == [utc(2024, 3, 30, 7), utc(2024, 3, 31, 6), utc(2024, 4, 1, 6)]
    assert all(m.astimezone(ATHENS).hour == 9 for m in occurrences(daily, utc(2024, 3, 1), 60))


def test_daily_keeps_local_time_across_fall_back_athens():
    daily = rule(datetime(2024, 10, 1, 9, 0), "Europe/Athens")  # EEST +3 → EET +2 on 27 October
    assert occurrences(daily, utc(2024, 10, 25, 12), 3) == [utc(2024, 10, 26, 6), utc(2024, 10, 27, 7), utc(2024, 10, 28, 7)]


def test_nonexistent_time_moves_forward_athens():
    daily = rule(datetime(2024, 3, 29, 3, 30), "Europe/Athens")  # 03:00-04:00 is skipped on 31 March
    runs = occurrences(daily, utc(2024, 3, 29), 4)
    assert runs == [utc(2024, 3, 29, 1, 30), utc(2024, 3, 30, 1, 30), utc(2024, 3, 31, 1, 30), utc(2024, 4, 1, 0, 30)]
    assert runs[2].astimezone(ATHENS).strftime("%H:%M %Z") == "04:30 EEST"


def test_ambiguous_time_takes_the_first_athens():
    daily = rule(datetime(2024, 10, 25, 3, 30), "Europe/Athens")  # 03:00-04:00 happens twice on 27 October
    runs = occurrences(daily, utc(2024, 10, 25), 4)
    assert runs == [utc(2024, 10, 25, 0, 30), utc(2024, 10, 26, 0, 30), utc(2024, 10, 27, 0, 30), utc(2024, 10, 28, 1, 30)]
    assert runs[2].astimezone(ATHENS).strftime("%H:%M %Z") == "03:30 EEST"


def test_spring_forward_new_york():
    daily = rule(datetime(2024, 3, 8, 2, 30), "America/New_York")  # 02:00-03:00 is skipped on 10 March
    assert occurrences(daily, utc(2024, 3, 9), 3) == [utc(2024, 3, 9, 7, 30), utc(2024, 3, 10, 7, 30), utc(2024, 3, 11, 6, 30)]
    nine = rule(datetime(2024, 3, 1, 9, 0), "America/New_York")
    assert occurrences(nine, utc(2024, 3, 9, 15), 2) == [utc(2024, 3, 10, 13), utc(2024, 3, 11, 13)]


def test_fall_back_new_york():
    daily = rule(datetime(2024, 11, 1, 1, 30), "America/New_York")  # 01:00-02:00 happens twice on 3 November
    assert occurrences(daily, utc(2024, 11, 2), 3) == [utc(2024, 11, 2, 5, 30), utc(2024, 11, 3, 5, 30), utc(2024, 11, 4, 6, 30)]


def test_hourly_across_spring_forward_has_no_duplicate_run():
    hourly = rule(datetime(2024, 3, 10, 0, 30), "America/New_York", "hourly")
    assert occurrences(hourly, utc(2024, 3, 10, 5), 4) == [
        utc(2024, 3, 10, 5, 30), utc(2024, 3, 10, 6, 30), utc(2024, 3, 10, 7, 30), utc(2024, 3, 10, 8, 30),
    ]


def test_hourly_across_fall_back_follows_the_wall_clock():
    hourly = rule(datetime(2024, 11, 3, 0, 30), "America/New_York", "hourly")
    # 00:30 EDT, 01:30 (first, EDT), 02:30 EST: the repeated 01:30 runs once.
    assert occurrences(hourly, utc(2024, 11, 3, 4), 3) == [utc(2024, 11, 3, 4, 30), utc(2024, 11, 3, 5, 30), utc(2024, 11, 3, 7, 30)]


# --- ends ---------------------------------------------------------------------------------------


def test_count_is_exhausted():
    three = rule(datetime(2024, 1, 1, 9, 0), count=3)
    assert occurrences(three, utc(2023, 1, 1), 10) == [utc(2024, 1, 1, 9), utc(2024, 1, 2, 9), utc(2024, 1, 3, 9)]
    assert next_run_at(three, utc(2024, 1, 3, 9)) is None


def test_until_is_inclusive_and_then_exhausted():
    until = rule(datetime(2024, 1, 1, 9, 0), "Europe/Athens", until=utc(2024, 1, 3, 7))  # 09:00 Athens
    assert occurrences(until, utc(2023, 1, 1), 10) == [utc(2024, 1, 1, 7), utc(2024, 1, 2, 7), utc(2024, 1, 3, 7)]
    assert next_run_at(until, utc(2024, 1, 3, 7)) is None


def test_start_long_ago_is_fast_and_exact():
    hourly = rule(datetime(2000, 1, 1, 0, 45), "Europe/Athens", "hourly", interval=7)
    started = time.perf_counter()
    result = next_run_at(hourly, utc(2024, 6, 1))
    assert time.perf_counter() - started < 2  # stepping from 2000 hour by hour would take far longer
    assert result == next_run_at(validate_rule(**{**vars(hourly), "count": 10**6}), utc(2024, 6, 1))


@pytest.mark.parametrize(
    ("frequency", "interval", "fields"),
    [
        ("hourly", 5, {}), ("hourly", 1, {"by_weekday": ["SA"]}), ("daily", 3, {}), ("daily", 1, {"by_weekday": ["MO", "FR"]}),
        ("weekly", 2, {"by_weekday": ["TU", "SU"]}), ("weekly", 3, {}), ("monthly", 5, {}), ("monthly", 1, {"by_monthday": [30, -1]}),
        ("monthly", 2, {"by_weekday": ["MO"]}), ("yearly", 1, {}), ("yearly", 2, {"by_monthday": [15]}),
    ],
)
def test_skipping_ahead_matches_iterating_from_the_start(frequency, interval, fields):
    start = datetime(2022, 1, 31, 2, 30, tzinfo=NEW_YORK)
    skipping = validate_rule(start_at=start, timezone="America/New_York", frequency=frequency, interval=interval, **fields)
    counting = validate_rule(**{**vars(skipping), "count": 50000})  # COUNT forces iteration from the start
    for after in (utc(2022, 1, 1), utc(2023, 3, 12, 6, 59), utc(2024, 11, 3, 5, 30), utc(2025, 2, 28)):
        assert occurrences(skipping, after, 12) == occurrences(counting, after, 12)


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"start_at": None}, "start_at"),
        ({"start_at": "yesterday"}, "start_at"),
        ({"start_at": 12}, "start_at"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"timezone": None}, "timezone"),
        ({"frequency": "fortnightly"}, "frequency"),
        ({"interval": 0}, "interval"),
        ({"interval": -1}, "interval"),
        ({"interval": True}, "interval"),
        ({"interval": 1.5}, "interval"),
        ({"by_weekday": ["MO", "XX"]}, "by_weekday"),
        ({"by_monthday": [0]}, "by_monthday"),
        ({"by_monthday": [32]}, "by_monthday"),
        ({"by_monthday": [-32]}, "by_monthday"),
        ({"by_monthday": ["first"]}, "by_monthday"),
        ({"frequency": "weekly", "by_monthday": [1]}, "by_monthday"),
        ({"until": "2024-01-01T09:00:00+00:00"}, "until"),
        ({"until": "2023-12-31T00:00:00+00:00"}, "until"),
        ({"count": 0}, "count"),
        ({"count": 3, "until": "2024-02-01T00:00:00+00:00"}, "count"),
    ],
)
def test_validation_names_the_field(fields, field):
    base = {"start_at": "2024-01-01T09:00:00+00:00", "timezone": "Europe/Athens", "frequency": "daily"}
    with pytest.raises(ScheduleError) as caught:
        validate_rule(**{**base, **fields})
    assert caught.value.field == field
    assert str(caught.value) == caught.value.message


def test_validation_normalises():
    checked = validate_rule(
        start_at="2024-01-01T09:00:00", timezone="Europe/Athens", frequency="weekly", interval="2",
        by_weekday=["fr", "MO", "FR"], until="2024-06-01T00:00:00Z",
    )
    assert checked == ScheduleRule(
        start_at=datetime(2024, 1, 1, 9, 0, tzinfo=ATHENS), timezone="Europe/Athens", frequency="weekly", interval=2,
        by_weekday=("FR", "MO"), until=utc(2024, 6, 1),
    )
    assert validate_rule(start_at=utc(2024, 1, 1), timezone="UTC").frequency == "once"
    assert validate_rule(start_at=utc(2024, 1, 1), timezone="UTC", frequency="monthly", by_monthday=["-1", 15]).by_monthday == (-1, 15)


# --- RFC 5545 -------------------------------------------------------------------------------------


def test_icalendar_daily():
    assert to_icalendar(rule(datetime(2024, 3, 1, 9, 0), "Europe/Athens")) == (
        "DTSTART;TZID=Europe/Athens:20240301T090000\nRRULE:FREQ=DAILY;INTERVAL=1"
    )


def test_icalendar_with_every_part():
    weekly = rule(utc(2024, 1, 1, 7, 0), "Europe/Athens", "weekly", interval=2, by_weekday=["MO", "WE"],
                  until=datetime(2024, 6, 30, 23, 59, 59, tzinfo=ATHENS))
    assert to_icalendar(weekly) == (
        "DTSTART;TZID=Europe/Athens:20240101T090000\n"
        "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20240630T205959Z"
    )
    monthly = rule(datetime(2024, 1, 1, 22, 0), "America/New_York", "monthly", by_monthday=[1, -1], count=12)
    assert to_icalendar(monthly) == (
        "DTSTART;TZID=America/New_York:20240101T220000\nRRULE:FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=1,-1;COUNT=12"
    )


def test_icalendar_once_has_no_rrule():
    assert to_icalendar(rule(datetime(2024, 5, 1, 12, 0), "Asia/Tokyo", "once")) == "DTSTART;TZID=Asia/Tokyo:20240501T120000"


def test_icalendar_is_readable_by_an_rfc_5545_parser():
    weekly = rule(datetime(2024, 1, 1, 9, 0), "UTC", "weekly", by_weekday=["MO", "TH"], count=4)
    parsed = rrulestr(to_icalendar(weekly))
    assert [moment.astimezone(UTC) for moment in parsed] == occurrences(weekly, utc(2023, 1, 1), 10)
    assert len(occurrences(weekly, utc(2023, 1, 1), 10)) == 4


def test_occurrences_limit():
    daily = rule(datetime(2024, 1, 1, 9, 0))
    assert occurrences(daily, utc(2024, 1, 1), 0) == []
    assert len(occurrences(daily, utc(2024, 1, 1), 100)) == 100
    runs = occurrences(daily, utc(2024, 1, 1), 100)
    assert all(later - earlier == timedelta(days=1) for earlier, later in zip(runs, runs[1:], strict=False))
