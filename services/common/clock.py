"""The business calendar's "today": the date where the company works (`CARLOAN_TIMEZONE`, default Asia/Shanghai).

A server clock in UTC would put every event between 00:00 and 08:00 Beijing time on the previous day.
"""
import datetime as dt
from zoneinfo import ZoneInfo

from services.common import config


def zone():
    return ZoneInfo(config.env("CARLOAN_TIMEZONE", "Asia/Shanghai"))


def today():
    return dt.datetime.now(zone()).date()
