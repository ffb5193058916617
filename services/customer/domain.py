"""Customer rules: identity checksums (GB 11643, GB 32100), masking, eligibility, credit projection."""
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PHONE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)  # ASCII digits: Python's \d also takes "１" and "٣"

CLASSIFICATIONS = ("normal", "special_mention", "substandard", "doubtful", "loss")


def normalize_id_number(value):
    return (value or "").strip().upper()


def id_number_problem(value, today=None):
    """Why a resident ID number (GB 11643) is invalid, or None. Expects a normalised value."""
    if not re.fullmatch(r"[0-9]{17}[0-9X]", value, re.ASCII):
        return "must be 18 characters: 17 digits and a digit or X"
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "the birth date in it is not a real date"
    if born > (today or dt.date.today()) or born.year < 1900:
        return "the birth date in it is not a plausible past date"
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], ID_WEIGHTS))
    if ID_CHECK[total % 11] != value[17]:
        return "the check digit is wrong"
    return None


def normalize_uscc(value):
    return (value or "").strip().upper()


def uscc_problem(value):
    """(error, warning) for a unified social credit code (GB 32100). An error refuses the code; a warning
    (a failed check digit, as some early codes have) accepts it only when the caller confirms."""
    if len(value) != 18 or any(ch not in USCC_ALPHABET for ch in value):
        return "must be 18 characters of 0-9 and A-Y without I, O, S, V, Z", None
    total = sum(USCC_ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(value[:17]))
    check = (31 - total % 31) % 31
    if USCC_ALPHABET[check] != value[17]:
        return None, "the check character does not match (an early code?)"
    return None, None


def phone_problem(value):
    return None if PHONE.fullmatch(value or "") else "not a mainland China mobile number (11 digits)"


def mask_id_number(value):
    return None if value is None else value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value):
    return None if value is None else value[:3] + "****" + value[-4:]


# -- corrections -------------------------------------------------------------------------------------
# What staff may correct on a customer: contact data with customer.manage; the identity number (a person's ID
# number, an enterprise's credit code), which duplicates and the blacklist are checked by, only with
# customer.identity.correct. An enterprise's legal representative (name and ID number) is contact data: a new
# representative is another person, not a corrected identity of the enterprise.
CONTACT_FIELDS = {"person": ("phone", "address", "employer", "monthly_income"),
                  "enterprise": ("phone", "address", "legal_representative", "legal_representative_id_number")}
IDENTITY_FIELDS = {"person": ("id_number",), "enterprise": ("uscc",)}
IDENTITY_PERMISSION = "customer.identity.correct"
CONTACT_PERMISSION = "customer.manage"


def foreign_fields(customer_type, fields):
    """The fields of a correction that this type of customer does not have (a person's employer sent for an
    enterprise), as (field, message) pairs; `accept_uscc_warning` goes with an enterprise's `uscc`."""
    allowed = {*CONTACT_FIELDS[customer_type], *IDENTITY_FIELDS[customer_type]}
    if customer_type == "enterprise":
        allowed.add("accept_uscc_warning")
    kind = "a person" if customer_type == "person" else "an enterprise"
    return [(field, f"not a field of {kind}") for field in sorted(fields) if field not in allowed]


def permissions_for(customer_type, changed):
    """The permission each changed field needs: {permission: [fields]}."""
    needed = {}
    for field in sorted(changed):
        permission = IDENTITY_PERMISSION if field in IDENTITY_FIELDS[customer_type] else CONTACT_PERMISSION
        needed.setdefault(permission, []).append(field)
    return needed


# An application is `applied`, then `rejected` or `converted` (it became a loan); a loan is `active`, then
# `settled`. Application and loan rows have different ids, so one order serves both.
LOAN_STATUSES = ("applied", "rejected", "converted", "active", "settled")
BOOKED = ("active", "settled")


def later_status(current, new):
    """Events may arrive out of order: a status only moves forward (applied → converted, active → settled)."""
    if current is None:
        return new
    return max(current, new, key=LOAN_STATUSES.index)


def advance(history, new):
    """Move a loan's history forward to `new` (never back: see `later_status`)."""
    history.status = later_status(history.status, new)


def is_newer(as_of, current_as_of):
    """Is an update stamped `as_of` (business date, occurred-at) newer than what was applied?"""
    return current_as_of is None or as_of >= current_as_of


def stamp(business_date, occurred_at):
    """The `as_of` of an event's figures: its business date, then the time it occurred (compared as text)."""
    return f"{business_date}|{occurred_at}"


def set_dpd(history, dpd, as_of):
    """Take the days past due of an event stamped `as_of`, unless a newer event's figure was applied."""
    if is_newer(as_of, history.dpd_as_of):
        history.dpd, history.dpd_as_of = dpd, as_of


def set_outstanding(history, amount, as_of):
    """Take the outstanding principal of an event stamped `as_of`, unless a newer event's figure was applied."""
    if is_newer(as_of, history.outstanding_as_of):
        history.outstanding_principal, history.outstanding_as_of = amount, as_of


def worse_classification(current, new):
    if current is None:
        return new
    return max(current, new, key=CLASSIFICATIONS.index)


@dataclass(frozen=True)
class Credit:
    """A customer's credit status from their loan history: booked loans (active or settled), applications waiting,
    the amount lent, the exposure (outstanding principal of active loans), the worst DPD and classification."""
    loans_count: int
    applications_pending: int
    total_amount: Decimal
    exposure: Decimal
    worst_dpd: int
    worst_classification: str = None


def credit(loans):
    """The `Credit` of a customer's loan history rows (applications that became loans left out)."""
    booked = [loan for loan in loans if loan.status in BOOKED]
    worst = None
    for loan in booked:
        if loan.classification:
            worst = worse_classification(worst, loan.classification)
    return Credit(
        loans_count=len(booked),
        applications_pending=sum(1 for loan in loans if loan.status == "applied"),
        total_amount=sum((Decimal(loan.amount) for loan in booked), Decimal("0")),
        exposure=sum((Decimal(loan.outstanding_principal) for loan in booked if loan.status == "active"),
                     Decimal("0")),
        worst_dpd=max((loan.worst_dpd for loan in booked), default=0),
        worst_classification=worst)


@dataclass(frozen=True)
class Eligibility:
    may_borrow: bool
    reasons: tuple = ()


def eligibility(blacklist_hits):
    """May this borrower borrow? `blacklist_hits`: (who, reason) for each active blacklist entry found."""
    if blacklist_hits:
        return Eligibility(False, tuple(f"{who}: {reason}" for who, reason in blacklist_hits))
    return Eligibility(True)
