"""贷后档案 The service's file of every loan, projected from the loan service's events: opened at disbursement,
kept up to date with DPD, balance, restructuring (extension), transfer and settlement. A DPD or a payment sets off
the rest of post-loan: warnings, the collection task and its promise, and the grade. Events of several dates may
arrive in any order: a DPD older than the one the file holds is not applied."""
import datetime as dt
import json
from decimal import Decimal

from services.collection import domain
from services.collection.models import LoanFile
from services.collection.usecases import classification, tasks
from services.collection.usecases.lookup import locked_file
from services.collection.usecases.warnings import raise_warning

ZERO = Decimal(0)


def keep_balance(loan, data):
    """The outstanding principal an event reports, if it reports one."""
    if data["outstanding_principal"] is not None:
        loan.outstanding_principal = data["outstanding_principal"]


def set_dpd(loan, dpd, occurred_at):
    """Apply a DPD unless the file holds newer news (by when it was published): whether it was applied."""
    occurred = dt.datetime.fromisoformat(occurred_at)
    if loan.dpd_as_of is not None and occurred < loan.dpd_as_of:
        return False
    loan.dpd, loan.dpd_as_of = dpd, occurred
    return True


def note_late(loan, due_date):
    """Remember that the installment due on `due_date` went late."""
    late = set(json.loads(loan.late_due_dates))
    late.add(due_date.isoformat())
    loan.late_due_dates = json.dumps(sorted(late))


def open_file(uow, data, *, event):
    """`loan.disbursed`: the loan's file, graded normal; None if the file exists already (a redelivery)."""
    if uow.session.get(LoanFile, data["loan_id"]) is not None:
        return None
    day = data["disbursed_on"] or event.business_day
    loan = LoanFile(loan_id=data["loan_id"], contract_no=data["contract_no"], customer_id=data["customer_id"],
                    customer_name=data["customer_name"], department_id=data["department_id"],
                    officer_id=data["officer_id"], vehicle_id=data["vehicle_id"], disbursed_on=day,
                    status="active", outstanding_principal=data["principal"], grade="normal", graded_on=day)
    uow.session.add(loan)
    uow.session.flush()
    classification.record_grade(uow, loan, "normal", None, "auto", "放款", event.business_day)
    return loan


def apply_dpd(uow, data, *, event, org):
    """`loan.dpd_changed`: warnings (first overdue, past 30 days, repeatedly late), the task, its stage and
    promise, and the grade follow. Returns the file."""
    loan = locked_file(uow, data["loan_id"])
    previous = loan.dpd  # what this file held: events of several dates may arrive in any order
    if not set_dpd(loan, data["dpd"], event.occurred_at):
        return loan
    day = event.business_day
    loan.grace_days = data["grace_days"]
    keep_balance(loan, data)
    if data["dpd"] > 0:
        note_late(loan, data["oldest_unpaid_due_date"] or day - dt.timedelta(days=data["dpd"]))
        if not loan.ever_overdue:
            loan.ever_overdue = True
            raise_warning(uow, loan, "first_overdue", f"首次逾期, 逾期 {data['dpd']} 天", day, event.event_id)
        if domain.crossed_30(previous, data["dpd"]):
            raise_warning(uow, loan, "dpd_over_30", f"逾期 {data['dpd']} 天", day, event.event_id)
        late = [dt.date.fromisoformat(d) for d in json.loads(loan.late_due_dates)]
        if domain.repeatedly_late(late, day):
            count = domain.late_installments(late, day)
            raise_warning(uow, loan, "repeated_late", f"近6期逾期 {count} 期", day, event.event_id)
    tasks.follow_task(uow, loan, day, org=org)
    classification.regrade(uow, loan, day)
    return loan


def mark_current(uow, data, *, event):
    """`loan.became_current`: DPD 0, the task closed, the grade again from the floor."""
    loan = locked_file(uow, data["loan_id"])
    if not set_dpd(loan, 0, event.occurred_at):
        return loan
    tasks.close_task(uow, loan, event.business_day, "current")
    classification.regrade(uow, loan, event.business_day)
    return loan


def update_balance(uow, data):
    """A money event (advance applied, prepaid, repayment): the outstanding principal it reports."""
    loan = locked_file(uow, data["loan_id"])
    keep_balance(loan, data)
    return loan


def record_repayment(uow, data, *, event):
    """`loan.repayment_received`: the balance, and the money towards a promise to pay made before, if paid by
    the promised date."""
    loan = update_balance(uow, data)
    tasks.credit_promise(uow, loan, data["amount"], data["paid_on"] or event.business_day, event.business_day)
    return loan


def settle_file(uow, data, *, event):
    """`loan.settled`: nothing outstanding, the task closed (told again: no harm)."""
    loan = locked_file(uow, data["loan_id"])
    domain.LOAN_FILE.move(loan, "settled", outstanding_principal=ZERO, dpd=0)
    tasks.close_task(uow, loan, event.business_day, "settled")
    return loan


def restructure_file(uow, data, *, event):
    """`loan.extended`: an extension is a restructuring, at least special mention for the observation period."""
    loan = locked_file(uow, data["loan_id"])
    loan.restructured_on = event.business_day
    keep_balance(loan, data)
    classification.regrade(uow, loan, event.business_day)
    return loan


def transfer_file(uow, data):
    """`loan.transferred`: the loan's new borrower."""
    loan = locked_file(uow, data["loan_id"])
    loan.customer_id, loan.customer_name = data["customer_id"], data["customer_name"] or loan.customer_name
    return loan
