"""授信 Credit lines: requested by an officer, decided by someone else; applications hold what they draw."""
from decimal import Decimal

from sqlalchemy import func, select

from services.common import clock
from services.common.clock import utcnow
from services.common.errors import Conflict, field_error
from services.common.pagination import paginate
from services.common.refusal import Refused
from services.common.scope import scoped_rows
from services.common.jsonutil import money
from services.loan.domain import lifecycles
from services.loan.domain import origination as rules
from services.loan.models import CreditDraw, CreditLine, Loan
from services.loan.usecases import lookups


def available(uow, line):
    """What is left to draw on `line` (授信可用额度)."""
    sums = dict(uow.session.execute(
        select(CreditDraw.status, func.coalesce(func.sum(CreditDraw.amount), 0))
        .where(CreditDraw.credit_line_id == line.id).group_by(CreditDraw.status)).all())
    outstanding = uow.session.scalar(
        select(func.coalesce(func.sum(Loan.outstanding_principal), 0))
        .where(Loan.credit_line_id == line.id, Loan.status == "active"))
    return rules.available_credit(line.limit, line.revolving, Decimal(sums.get("held", 0)),
                                  Decimal(sums.get("drawn", 0)), Decimal(outstanding or 0))


def _shown(uow, line):
    return line, available(uow, line)


def create_credit_line(uow, data, *, customers):
    customer = lookups.customer_brief(customers, data["customer_id"])
    if data["expires_on"] <= clock.today():
        raise field_error("expires_on", "must be in the future", code="EXPIRY_IN_PAST")
    line = CreditLine(customer_id=customer["id"], limit=data["limit"], expires_on=data["expires_on"],
                      revolving=data["revolving"], status="pending", officer_id=uow.actor.user_id,
                      department_id=uow.actor.department_id)
    uow.session.add(line)
    uow.session.flush()
    uow.audit("request_credit_line", "credit_line", line.id, {"limit": money(line.limit)})
    return _shown(uow, line)


def decide_credit_line(uow, line_id, data):
    line = lookups.visible_row(uow, CreditLine, line_id, "CREDIT_LINE_NOT_FOUND", lock=True)
    if line.status != "pending":
        raise Conflict(f"this credit line was already {line.status}", code="CREDIT_LINE_ALREADY_DECIDED",
                       extra={"status": line.status})
    rules.check_credit_line_decider(line.officer_id, uow.actor.user_id)
    lifecycles.CREDIT_LINE.move(line, "approved" if data["approve"] else "rejected")
    line.decided_by, line.decided_at, line.comment = uow.actor.user_id, utcnow(), data["comment"]
    uow.audit(f"credit_line_{line.status}", "credit_line", line.id, {"comment": data["comment"]})
    return _shown(uow, line)


def get_credit_line(uow, line_id):
    return _shown(uow, lookups.visible_row(uow, CreditLine, line_id, "CREDIT_LINE_NOT_FOUND"))


def list_credit_lines(uow, customer_id=None, status=None, page=1, page_size=20):
    query = scoped_rows(uow.actor, CreditLine, "officer_id", {"customer_id": customer_id, "status": status},
                        "customer_id", "status")
    return paginate(uow.session, query.order_by(CreditLine.created_at.desc(), CreditLine.id), page, page_size,
                    lambda line: _shown(uow, line))


def hold(uow, line_id, customer_id, amount, today):
    """Check an application may draw `amount` on the line (the row lock makes concurrent draws queue: none can
    pass the limit)."""
    line = uow.session.get(CreditLine, line_id, with_for_update=True)
    if line is None:
        raise Refused("CREDIT_LINE_INVALID", "no such credit line", "credit_line_id", reason="not_found")
    facts = {"customer_id": line.customer_id, "status": line.status, "expires_on": line.expires_on}
    rules.check_credit_line(facts, customer_id, amount, today, available(uow, line))


def draw_of(uow, application_id):
    return uow.session.scalars(select(CreditDraw).where(CreditDraw.application_id == application_id)).first()


def release(uow, application):
    """A rejected application's hold on its credit line ends."""
    draw = draw_of(uow, application.id)
    if draw is not None and draw.status == "held":
        lifecycles.CREDIT_DRAW.move(draw, "released")
