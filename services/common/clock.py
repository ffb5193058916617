"""The business calendar's "today": the date where the company works (`CARLOAN_TIMEZONE`, default Asia/Shanghai).

A server clock in UTC would put every event between 00:00 and 08:00 Beijing time on the previous day.
"""
import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from services.common import config


def zone():
    return ZoneInfo(config.env("CARLOAN_TIMEZONE", "Asia/Shanghai"))


def today():
    return dt.datetime.now(zone()).date()


def utcnow():
    """Now, as an aware UTC timestamp (what the services store and put in events)."""
    return dt.datetime.now(dt.timezone.utc)


def add_months(day, months, anchor_day=None):
    """The date `months` months after (or before) `day`, on `anchor_day` (default `day.day`) clamped to the
    month's end: 31 January + 1 month is 28 (or 29) February."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(anchor_day or day.day, last))
