"""贷后 Post-loan rules (docs/rules.md, "Post-loan"): five-level classification, collection stages and promises,
round-robin assignment and the early-warning rules. Plain Python, Decimal for money."""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from services.collection.contract import CHANNELS, GRADES, LEVELS, STAGES  # noqa: F401  (re-exported)
from services.common.clock import add_months
from services.common.refusal import Refused
from services.common.states import Lifecycle

ZERO = Decimal("0.00")

# -- five-level classification (五级分类) -------------------------------------------------------------
ORDER = tuple(GRADES)  # best to worst
# 《商业银行金融资产风险分类办法》 (2023): > 90 days at least substandard, > 270 doubtful, > 360 loss
DEFAULT_THRESHOLDS = (90, 270, 360)
# Restructured: at least special mention for two repayment periods and one year. Every product repays monthly,
# so the year is the longer of the two.
OBSERVATION_MONTHS = 12


def rank(grade):
    return ORDER.index(grade)


def worse(*grades):
    """The worst of the grades given (None ignored)."""
    return max((g for g in grades if g), key=rank)


def dpd_floor(dpd, thresholds=DEFAULT_THRESHOLDS):
    """The grade DPD alone requires: 0 → normal; 1–90 → special mention; > 90 substandard; > 270 doubtful;
    > 360 loss (thresholds configurable)."""
    substandard, doubtful, loss = thresholds
    if dpd > loss:
        return "loss"
    if dpd > doubtful:
        return "doubtful"
    if dpd > substandard:
        return "substandard"
    return "special_mention" if dpd > 0 else "normal"


def grade_floor(dpd, business_date, restructured_on=None, thresholds=DEFAULT_THRESHOLDS,
                observation_months=OBSERVATION_MONTHS):
    """The automatic grade: the DPD floor, and at least special mention while a restructured (extended) loan is
    under observation (the observation period is at least a year, which covers two monthly periods)."""
    floor = dpd_floor(dpd, thresholds)
    if restructured_on is not None and business_date < add_months(restructured_on, observation_months):
        floor = worse(floor, "special_mention")
    return floor


def effective_grade(floor, manual=None):
    """A manual grade stands unless the floor is worse: a grade is never better than the floor."""
    return worse(floor, manual)


def check_adjustment(grade, floor):
    """A manual grade may be worse, or better, than today's, but never better than the floor."""
    if grade not in GRADES:
        raise Refused("GRADE_INVALID", f"unknown grade {grade!r}", field="grade", grade=grade)
    if rank(grade) < rank(floor):
        raise Refused("GRADE_BELOW_FLOOR", f"{GRADES[grade]} is better than the floor {GRADES[floor]} that the "
                      "loan's days past due (or restructuring) require", field="grade", floor=floor, grade=grade)


# -- collection (催收) -------------------------------------------------------------------------------------


def stage_for(dpd):
    """1–30 days: calls and SMS; 31–90: visits; more than 90: legal action or repossession."""
    if dpd > 90:
        return "legal"
    return "visit" if dpd > 30 else "call_sms"


def raised_stage(current, dpd):
    """A task's stage rises with DPD and does not fall while the task is open."""
    new = stage_for(dpd)
    return new if current is None or tuple(STAGES).index(new) > tuple(STAGES).index(current) else current


def opens_task(dpd, grace_days):
    """A collection task opens once a loan is overdue past its grace days (paid within grace: no chase)."""
    return dpd > grace_days


def next_collector(collectors, last=None):
    """Round-robin: the collector after `last` in a stable order (sorted ids), wrapping to the first; if `last`
    has left, the one after where they stood."""
    if not collectors:
        return None
    ordered = sorted(collectors)
    later = [c for c in ordered if last is not None and c > last]
    return later[0] if later else ordered[0]


@dataclass(frozen=True)
class Promise:
    """承诺还款: an amount by a date; kept when what is paid by then reaches it, broken once the date passed."""
    amount: Decimal
    promised_on: dt.date

    def status(self, paid_by_date, business_date):
        if paid_by_date >= self.amount:
            return "kept"
        return "broken" if business_date > self.promised_on else "pending"


# -- early warnings (预警) ----------------------------------------------------------------------------------
WARNINGS = {
    "first_overdue": ("首次逾期", "low"),
    "dpd_over_30": ("逾期超过30天", "high"),
    "repeated_late": ("近6期逾期2次及以上", "medium"),
    "gps_offline": ("GPS离线", "medium"),
    "gps_removed": ("GPS设备被拆除", "high"),
    "geofence_exit": ("车辆驶出电子围栏", "medium"),
    "customer_blacklisted": ("借款人被列入黑名单", "high"),
    "ltv_high": ("重估后抵押率超限", "medium"),
}
GPS_WARNINGS = {"offline": "gps_offline", "removed": "gps_removed", "geofence_exit": "geofence_exit"}
DEFAULT_LTV_LIMIT = Decimal("0.80")


def crossed_30(previous_dpd, dpd):
    return previous_dpd <= 30 < dpd


def late_installments(late_due_dates, business_date, periods=6):
    """How many distinct installments were late among those due in the last `periods` months."""
    since = add_months(business_date, -periods)
    return len({day for day in late_due_dates if since < day <= business_date})


def repeatedly_late(late_due_dates, business_date, periods=6, threshold=2):
    """Two or more late installments in the last six."""
    return late_installments(late_due_dates, business_date, periods) >= threshold


def share(part, whole):
    """A grade's share of the book (驾驶舱), a fraction to 4 decimals, half up; of an empty book: 0.0000."""
    if not whole:
        return Decimal("0.0000")
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding="ROUND_HALF_UP")


def ltv(outstanding_principal, appraised_value):
    return (Decimal(outstanding_principal) / Decimal(appraised_value)).quantize(Decimal("0.0001"))


def ltv_too_high(outstanding_principal, appraised_value, limit=DEFAULT_LTV_LIMIT):
    """Above the limit on the exact ratio (`ltv` rounds only for display)."""
    return appraised_value > 0 and Decimal(outstanding_principal) > Decimal(limit) * Decimal(appraised_value)


# -- lifecycles (services.common.states): which status follows which --------------------------------------
# The loan file follows the loan service's loan.
LOAN_FILE = Lifecycle("loan_file", {"settled": ("active", "settled")})
TASK = Lifecycle("collection_task", {"closed": ("open",)})
WARNING = Lifecycle("warning", {"resolved": ("open",)})
ADJUSTMENT = Lifecycle("adjustment", {"approved": ("pending",), "rejected": ("pending",)})
