"""预警 Early warnings: one open per loan and kind, raised by loan events (see `loan_file`), by a blacklisted
borrower, a GPS alert on the pledged vehicle or a revaluation above the LTV limit; listed within the caller's data
scope and resolved by who owns them."""
from decimal import Decimal

from sqlalchemy import case, select

from services.collection import domain
from services.collection.models import LoanFile, RiskWarning
from services.collection.usecases.lookup import loan_of, page_with_files, visible_row
from services.common import config
from services.common.clock import utcnow
from services.common.errors import Conflict
from services.common.jsonutil import money
from services.common.scope import scoped_rows

FILTERS = ("loan_id", "level", "status", "kind")  # what a list may be filtered by


def raise_warning(uow, loan, kind, detail, day, event_id):
    """Raise a warning unless one of the same kind is still open on the loan: the new warning, or None."""
    exists = uow.session.scalars(select(RiskWarning.id).where(
        RiskWarning.loan_id == loan.loan_id, RiskWarning.kind == kind, RiskWarning.status == "open")).first()
    if exists:
        return None
    warning = RiskWarning(loan_id=loan.loan_id, department_id=loan.department_id, kind=kind,
                          level=domain.WARNINGS[kind][1], owner_id=loan.officer_id, status="open",
                          detail=detail[:500], raised_on=day, source_event_id=event_id)
    uow.session.add(warning)
    uow.session.flush()
    return warning


def _active_files(uow, column, value):
    return uow.session.scalars(select(LoanFile).where(column == value, LoanFile.status == "active"))


# -- from other services' events ---------------------------------------------------------------------------
def warn_blacklisted(uow, data, *, event):
    """The borrower of active loans was put on the blacklist (`customer.blacklisted`)."""
    for loan in _active_files(uow, LoanFile.customer_id, data["customer_id"]):
        raise_warning(uow, loan, "customer_blacklisted", f"借款人被列入黑名单: {data['reason'] or ''}".strip(": "),
                      event.business_day, event.event_id)


def warn_gps_alert(uow, data, *, event):
    """A GPS device of an active loan's vehicle went offline, was removed or left its geofence."""
    kind = domain.GPS_WARNINGS.get(data["kind"])
    loan = data["loan_id"] and uow.session.get(LoanFile, data["loan_id"])
    if kind is None or loan is None or loan.status != "active":
        return None
    return raise_warning(uow, loan, kind,
                         f"GPS {data['device_imei'] or ''} {domain.WARNINGS[kind][0]} ({data['at']})",
                         event.business_day, event.event_id)


def warn_high_ltv(uow, data, *, event):
    """A revaluation that leaves an active loan above the LTV limit (CARLOAN_WARNING_LTV, default 0.80)."""
    limit = Decimal(config.env("CARLOAN_WARNING_LTV", "") or domain.DEFAULT_LTV_LIMIT)
    for loan in _active_files(uow, LoanFile.vehicle_id, data["vehicle_id"]):
        if domain.ltv_too_high(loan.outstanding_principal, data["appraised_value"], limit):
            ratio = domain.ltv(loan.outstanding_principal, data["appraised_value"])
            raise_warning(uow, loan, "ltv_high", f"抵押率 {ratio} > {limit} (估值 {money(data['appraised_value'])})",
                          event.business_day, event.event_id)


# -- what employees ask for --------------------------------------------------------------------------------
def list_warnings(uow, data):
    """Warnings within the caller's scope (`data`: loan_id, level, status, kind, page, page_size): open first,
    then by level, newest first. Items are (warning, loan file)."""
    query = scoped_rows(uow.actor, RiskWarning, "owner_id", data, *FILTERS)
    query = query.order_by(case((RiskWarning.status == "open", 0), else_=1),
                           case((RiskWarning.level == "high", 0), (RiskWarning.level == "medium", 1), else_=2),
                           RiskWarning.raised_on.desc(), RiskWarning.id)
    return page_with_files(uow, query, data.get("page", 1), data.get("page_size", 20))


def resolve_warning(uow, warning_id, data):
    """Resolve an open warning with what was done about it: (warning, loan file)."""
    warning = visible_row(uow, RiskWarning, warning_id, "WARNING_NOT_FOUND")
    if warning.status != "open":
        raise Conflict("the warning is already resolved", code="WARNING_RESOLVED")
    domain.WARNING.move(warning, "resolved", resolution=data["resolution"])
    warning.resolved_by, warning.resolved_at = uow.actor.user_id, utcnow()
    uow.audit("resolve_warning", "warning", warning.id, data)
    return warning, loan_of(uow, warning.loan_id)
