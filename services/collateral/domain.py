"""抵押物 Collateral rules: vehicle identity, valuation review, and the post-disbursement task book.

Plain Python: no Nameko, Flask or SQLAlchemy, so every rule here is unit-tested in milliseconds.
"""
import datetime as dt
import re
from dataclasses import dataclass

from services.collateral.contract import TASK_STATUSES  # noqa: F401  (re-exported)
from services.common.refusal import Refused
from services.common.segregation import refuse_maker
from services.common.states import Lifecycle

# -- VIN (ISO 3779 / GB 16735) -------------------------------------------------------------------
VIN_LENGTH = 17
VIN_CHECK_POSITION = 8  # the 9th character
_VIN_VALUES = {**{str(d): d for d in range(10)},
               **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9,
               **dict(zip("STUVWXYZ", range(2, 10)))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def normalize_vin(raw):
    return re.sub(r"[\s-]", "", raw or "").upper()


def vin_check_digit(vin):
    """The check character a 17-character VIN must carry at position 9."""
    remainder = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS)) % 11
    return "X" if remainder == 10 else str(remainder)


def vin_problem(vin):
    """None if `vin` (normalized) is a valid VIN, else what is wrong with it, in words a clerk can act on."""
    if len(vin) != VIN_LENGTH:
        return f"a VIN has {VIN_LENGTH} characters, this one has {len(vin)}"
    forbidden = sorted(set(vin) & set("IOQ"))
    if forbidden:
        return f"a VIN never contains the letters I, O or Q (found {', '.join(forbidden)})"
    unknown = sorted(set(vin) - set(_VIN_VALUES))
    if unknown:
        return f"a VIN holds only letters and digits (found {''.join(unknown)!r})"
    expected = vin_check_digit(vin)
    if vin[VIN_CHECK_POSITION] != expected:
        return (f"the check digit (9th character) is {vin[VIN_CHECK_POSITION]!r} but should be {expected!r}; "
                "a character was probably mistyped")
    return None


# -- plate numbers (GA 36-2018) --------------------------------------------------------------------
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_SERIAL = "[A-HJ-NP-Z0-9]"  # I and O are never issued: they read as 1 and 0
_PLATE = re.compile(
    rf"^[{PROVINCES}][A-HJ-NP-Z]"
    rf"(?:{_SERIAL}{{4}}[A-HJ-NP-Z0-9挂学警]"          # ordinary: five characters (the last may be 挂/学/警)
    rf"|[DF][A-HJ-NP-Z0-9][0-9]{{4}}"                   # new energy, small car: D/F + 5
    rf"|[0-9]{{5}}[DF])$")                               # new energy, large vehicle: 5 digits + D/F


def normalize_plate(raw):
    return re.sub(r"[\s·.-]", "", raw or "").upper()


def plate_problem(plate):
    if not _PLATE.match(plate):
        return ("a plate number is a province character, a letter and 5 characters (6 for new-energy "
                "plates, which start or end with D or F), e.g. 京A12345 or 粤BD12345")
    return None


# -- corrections -----------------------------------------------------------------------------------
# The contract, the mortgage registration and the GPS book name a vehicle by its VIN and its owner (the
# pledgor): these two are corrected only while nothing depends on the vehicle. Plate, mileage, colour, brand,
# model and year are description, corrected at any time.
PLEDGED_FIELDS = ("vin", "owner_customer_id")


def pledged_change_problem(changed, dependents):
    """Why the changed fields may not change now, or None. `dependents` counts what depends on the vehicle:
    `applications` being decided and `loans` signed or running (the loan service's answer), `open_tasks` of its
    mortgage and GPS book (a mortgage not yet released still names it)."""
    locked = [field for field in PLEDGED_FIELDS if field in changed]
    busy = {what: count for what, count in dependents.items() if count}
    if not locked or not busy:
        return None
    words = {"applications": "loan application(s)", "loans": "loan(s)", "open_tasks": "open mortgage/GPS task(s)"}
    held = ", ".join(f"{count} {words.get(what, what)}" for what, count in sorted(busy.items()))
    return f"{' and '.join(locked)} cannot change while {held} depend on this vehicle"


# -- GPS devices -----------------------------------------------------------------------------------
def imei_problem(imei):
    """IMEI: 15 digits, the last a Luhn check digit (3GPP TS 23.003)."""
    if not re.fullmatch(r"[0-9]{15}", imei or "", re.ASCII):
        return "an IMEI has 15 digits"
    total = 0
    for index, char in enumerate(reversed(imei)):
        digit = int(char)
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    if total % 10:
        return "the IMEI's check digit (15th) does not match; a digit was probably mistyped"
    return None


ALERT_KINDS = {"offline": "离线", "removed": "设备拆除", "geofence_exit": "驶出电子围栏"}


# -- valuation (车辆评估) -------------------------------------------------------------------------
VALUATION_MAX_AGE_DAYS = 90
VALUATION_STATUSES = {"submitted": "待复核", "approved": "已通过", "rejected": "已退回"}
METHODS = {"market": "市场法", "replacement_cost": "重置成本法", "income": "收益法", "comprehensive": "综合评估"}


def check_reviewer(valuation_status, submitted_by, reviewer_id):
    """Maker-checker: a valuation is decided once (409 `VALUATION_ALREADY_REVIEWED`), never by the appraiser who
    submitted it (403 `SELF_REVIEW`); both tell the valuation's `status`."""
    if valuation_status != "submitted":
        raise Refused("VALUATION_ALREADY_REVIEWED", f"this valuation was already {valuation_status}",
                      kind="conflict", status=valuation_status)
    refuse_maker(submitted_by, reviewer_id, "a valuation is reviewed by someone other than the appraiser who "
                 "submitted it", code="SELF_REVIEW", status=valuation_status)


def valuation_is_current(valued_on, today, max_age_days=VALUATION_MAX_AGE_DAYS):
    """An approved valuation counts for lending while it is at most `max_age_days` old."""
    return today - dt.timedelta(days=max_age_days) <= valued_on <= today


def earliest_current_valuation_date(today, max_age_days=VALUATION_MAX_AGE_DAYS):
    return today - dt.timedelta(days=max_age_days)


def valued_on_problem(valued_on, today):
    if valued_on > today:
        return "the valuation date cannot be in the future"
    if valued_on < today - dt.timedelta(days=VALUATION_MAX_AGE_DAYS):
        return f"a valuation older than {VALUATION_MAX_AGE_DAYS} days cannot be used; value the car again"
    return None


# -- the task book ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class TaskKind:
    code: str
    label: str
    due_days: int  # default: days from the business date that opened it to its due date


TASK_KINDS = {kind.code: kind for kind in (
    TaskKind("gps_install", "GPS安装", 3),
    TaskKind("mortgage_registration", "抵押登记", 15),
    TaskKind("mortgage_release", "解押", 15),
    TaskKind("gps_removal", "GPS拆除", 30),
)}
GPS_KINDS = ("gps_install", "gps_removal")
# the kind of record a task's documents belong to (影像资料: a GPS installation photo, a mortgage certificate)
TASK_OWNER_TYPES = {"gps_install": "gps_task", "gps_removal": "gps_task", "mortgage_registration": "mortgage_task",
                    "mortgage_release": "mortgage_task"}

# Opened for the loan's vehicle when the loan service publishes these events.
OPENED_BY = {
    "disbursed": ("gps_install", "mortgage_registration"),
    "settled": ("mortgage_release", "gps_removal"),
    "transferred": ("mortgage_registration",),
}
# Work that no longer makes sense once the loan is settled (the car is free again).
CANCELLED_BY_SETTLEMENT = ("gps_install", "mortgage_registration")


def due_date(kind, opened_on, due_days=None):
    days = TASK_KINDS[kind].due_days if due_days is None else due_days
    return opened_on + dt.timedelta(days=days)


def is_overdue(status, due_on, today):
    return status == "open" and due_on < today


def completion_problem(status, done_on, opened_on, today, kind):
    """(code, message) if a task cannot be completed as given, else None."""
    if status == "completed":
        return "TASK_ALREADY_COMPLETED", "this task is already completed"
    if status == "cancelled":
        return "TASK_CANCELLED", "this task was cancelled (the loan was settled before it was done)"
    if done_on > today:
        return "DATE_IN_FUTURE", "the date cannot be in the future"
    # A GPS is often fitted before the money goes out; legal steps cannot precede the loan event.
    if kind in ("mortgage_release", "gps_removal") and done_on < opened_on:
        return "DATE_BEFORE_TASK", f"the date cannot be before the loan was settled ({opened_on.isoformat()})"
    return None


# -- lifecycles (services.common.states): which status follows which --------------------------------------
VALUATION = Lifecycle("valuation", {"approved": ("submitted",), "rejected": ("submitted",)})
TASK = Lifecycle("task", {"completed": ("open",), "cancelled": ("open",)})
# The pledge follows the loan it secures: the loan service settled it.
PLEDGE = Lifecycle("pledge", {"settled": ("active", "settled")})
# A device is fitted (new, or one removed before) and removed again.
GPS_DEVICE = Lifecycle("gps_device", {"active": (None, "active", "removed"), "removed": ("active", "removed")})
