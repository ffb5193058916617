"""What the loan service's use cases share: rows found within the caller's data scope, the business date, the
LPR of a day, a loan's installments, and the answers of the customer and collateral services."""
import datetime as dt

from sqlalchemy import func, select

from services.common import clock
from services.common.ask import ask
from services.common.errors import NotFound, RuleViolated
from services.common.refusal import Refused
from services.common.scope import granted_by_task, visible
from services.loan.domain.schedule import ZERO
from services.loan.models import CobPartition, CobRun, Disbursement, Installment, Loan, LprRate, Product


def visible_row(uow, model, object_id, code, lock=False):
    return visible(uow.session, uow.actor, model, object_id, code, lock=lock)


def visible_loan(uow, loan_id, lock=False):
    return visible_row(uow, Loan, loan_id, "LOAN_NOT_FOUND", lock=lock)


def readable_loan(uow, loan_id, collection):
    """A loan to read: in the actor's data scope, or the subject of a collection task given to them."""
    loan = uow.session.get(Loan, loan_id)
    if loan is None or not (uow.actor.can_see(loan.officer_id, loan.department_id)
                            or granted_by_task(collection, uow.actor, loan_id=loan.id)):
        raise NotFound("no such loan", code="LOAN_NOT_FOUND")
    return loan


def product(uow, product_id, field=None, lock=False, share=False):
    """The product, locked FOR UPDATE (`lock`) or FOR SHARE (`share`); 404, or 422 on `field` when named."""
    lock = {"read": True} if share else lock
    found = uow.session.get(Product, product_id, with_for_update=lock or None)
    if found is None:
        if field:
            raise Refused("PRODUCT_NOT_FOUND", "no such product", field)
        raise NotFound("no such product", code="PRODUCT_NOT_FOUND")
    return found


def installments(uow, loan):
    """The loan's installment rows, by number."""
    return uow.session.scalars(select(Installment).where(Installment.loan_id == loan.id)
                               .order_by(Installment.no)).all()


def latest_disbursement(uow, loan_id):
    return uow.session.scalars(select(Disbursement).where(Disbursement.loan_id == loan_id)
                               .order_by(Disbursement.registered_at.desc(), Disbursement.id)).first()


def last_closed(uow):
    """The last business date close of business finished, or None."""
    return uow.session.scalar(select(func.max(CobRun.business_date)).where(CobRun.status == "done"))


def closed_for(uow, loan):
    """The last business date closed for `loan`: the last date done, or the next one when the loan's range of it
    is done already (the date itself may still be closing). Read under the loan's lock, this is exact."""
    last = last_closed(uow)
    query = select(CobPartition.business_date).where(CobPartition.status == "done", CobPartition.low_id <= loan.id,
                                                     CobPartition.high_id > loan.id)
    if last is not None:
        query = query.where(CobPartition.business_date == last + dt.timedelta(days=1))
    return uow.session.scalar(query.order_by(CobPartition.business_date.desc()).limit(1)) or last


def first_closed(uow):
    """The first business date close of business ever closed (or is closing), or None: it accrued every day since
    each due date at once."""
    return uow.session.scalar(select(func.min(CobRun.business_date)).where(CobRun.status != "queued"))


def business_today(uow):
    """Today, or the last business date closed if close of business ran ahead (as tests do)."""
    last = uow.session.scalar(select(func.max(CobRun.business_date)).where(CobRun.status != "queued"))
    return max(clock.today(), last) if last else clock.today()


def lpr_on(uow, day):
    """The one-year LPR in force on `day` (None before the first recorded), asked once per transaction."""
    cache = uow.memo.setdefault("lpr", {})
    if day not in cache:
        row = uow.session.scalars(select(LprRate).where(LprRate.effective_on <= day)
                                  .order_by(LprRate.effective_on.desc())).first()
        cache[day] = row.one_year if row else None
    return cache[day]


# -- other services --------------------------------------------------------------------------------------------
def customer_brief(customers, customer_id):
    try:
        return ask(customers, "customer_brief", customer_id)
    except NotFound:
        raise RuleViolated("no such customer", code="CUSTOMER_NOT_FOUND",
                           errors={"customer_id": ["no such customer"]}) from None


def lending_value(collateral, vehicle_id, today):
    try:
        return ask(collateral, "lending_value", vehicle_id, as_of=today.isoformat())
    except NotFound:
        raise Refused("VEHICLE_NOT_FOUND", "no such vehicle", "vehicle_id") from None


# -- a loan's schedule as rows ---------------------------------------------------------------------------------
def store_schedule(uow, loan, schedule):
    """The loan's installment rows replaced by `schedule`'s lines."""
    put_lines(uow, loan, uow.session.scalars(select(Installment).where(Installment.loan_id == loan.id)),
              schedule.installments)


def put_lines(uow, loan, old, new):
    """Installment rows `old` out, schedule lines `new` in (nothing paid on them yet)."""
    for line in old:
        uow.session.delete(line)
    uow.session.flush()  # the new rows may reuse the old numbers
    uow.session.add_all(Installment(
        loan_id=loan.id, no=line.no, due_date=line.due_date, principal=line.principal, interest=line.interest,
        total=line.total, balance_after=line.balance_after, paid_principal=ZERO, paid_interest=ZERO, penalty=ZERO,
        paid_penalty=ZERO, fees=ZERO, paid_fees=ZERO, status="pending") for line in new)
