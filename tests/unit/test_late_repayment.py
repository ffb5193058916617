"""补记还款: a repayment recorded after close of business passed its date pays what it would have paid on time, to the
fen (docs/rules.md, "A repayment recorded late"): worked examples of the rule, then the use case on the fake unit of
work, from close of business past a due date to the late repayment, its finance event and its reversal."""
import datetime as dt
from decimal import Decimal as D

import pytest

from services.common.schemas import load
from services.loan import views
from services.loan.domain import late, servicing
from services.loan.domain.servicing import Due
from services.loan.models import Base, Installment, Loan
from services.loan.schemas import DecisionIn, RepaymentIn, ReversalIn
from services.loan.usecases import closing, repayments
from tests.fakes import FakeUnitOfWork, actor
from tests.unit.test_loan_usecases import ADMIN, CLERK, an_active_loan

RATE, MARKUP = D("0.0888"), D("0.5")
DUE = dt.date(2026, 1, 15)
CLOSED = DUE + dt.timedelta(days=10)  # close of business has run to 25 January
TERMS = {"grace_days": 0, "annual_rate": RATE, "markup": MARKUP, "compound": False, "first_closed": dt.date(2025, 6, 1)}
# one day's penalty on 800.00: 800 × 8.88 % × 1.5 / 360 = 0.2960; ten days accrued by 25 January: 2.9600
ACCRUED = late.Accrued(1, DUE, base=D("800.00"), penalty=D("2.9600"), through=CLOSED)
DUES = [Due(1, DUE, D("800.00"), D("200.00"), penalty=D("2.96")),
        Due(2, dt.date(2026, 2, 15), D("810.00"), D("190.00"))]


def recorded_late(amount, paid_on, accrued=ACCRUED, dues=DUES, order="installment_first", **terms):
    return late.allocate_late(D(amount), dues, [accrued], paid_on, CLOSED, order, D("0"), **{**TERMS, **terms})


def test_paid_on_its_due_date_but_recorded_ten_days_later_it_owes_no_penalty():
    result = recorded_late("1000.00", DUE)
    assert result.allocation.lines == {1: {"interest": D("200.00"), "principal": D("800.00")}}
    assert result.penalty == {1: D("0.0000")} and result.refund == {1: D("0")}
    # allocated at the business date instead, the ten days' penalty would be paid first and 2.96 principal left late
    today = servicing.allocate(D("1000.00"), DUES, CLOSED)
    assert today.lines[1] == {"penalty": D("2.96"), "interest": D("200.00"), "principal": D("797.04")}


def test_a_part_paid_five_days_late_pays_those_days_and_the_rest_accrues_on_what_is_left():
    # by 20 January 5 × 0.2960 = 1.48 had accrued: it is paid, then the interest, then 398.52 principal;
    # on the 401.48 left a day is 401.48 × 0.00037 = 0.1485 (to 4 places), five days 0.7425
    result = recorded_late("600.00", DUE + dt.timedelta(days=5))
    assert result.allocation.lines == {1: {"penalty": D("1.48"), "interest": D("200.00"), "principal": D("398.52")}}
    assert result.penalty == {1: D("2.2225")}  # 1.4800 + 0.7425: 2.22 owed in all, 0.74 still to pay, not 1.48
    assert servicing.fen(result.penalty[1]) - D("1.48") == D("0.74")


def test_within_grace_the_days_grace_ends_with_are_not_accrued_on_what_it_paid():
    # grace 3: the close of 19 January accrued four days at once (2026-01-15 → 19), then one a day: ten in all
    assert late.accrual_days(DUE, 3, DUE, CLOSED) == [(dt.date(2026, 1, 19), 4)] + [
        (DUE + dt.timedelta(days=n), 1) for n in range(5, 11)]
    result = recorded_late("1000.00", DUE + dt.timedelta(days=2), grace_days=3)
    assert result.penalty == {1: D("0.0000")}  # paid within grace: no penalty
    # the first date a book ever closed accrued every day since the due date at once, as well
    assert late.accrual_days(DUE, 0, DUE, CLOSED, first_closed=dt.date(2026, 1, 20)) == [
        (dt.date(2026, 1, 20), 5)] + [(DUE + dt.timedelta(days=n), 1) for n in range(6, 11)]


def test_penalty_paid_meanwhile_beyond_what_would_have_accrued_is_handed_back():
    # a repayment counted from 25 January paid the 2.96 accrued; the money of 15 January then pays the installment
    paid = late.Accrued(1, DUE, base=D("800.00"), penalty=D("2.9600"), through=CLOSED,
                        paid_after=((CLOSED, D("2.96")),))
    result = recorded_late("1000.00", DUE, accrued=paid, dues=[Due(1, DUE, D("800.00"), D("200.00"))] + DUES[1:])
    assert result.penalty == {1: D("0.0000")} and result.refund == {1: D("2.96")}


def test_a_base_another_repayment_lowered_meanwhile_is_recomputed_with_the_base_of_each_day():
    # 400.00 principal was paid by money counted from 20 January: the base was 800 before, 400 after (2.22 accrued);
    # the late money of 15 January pays the other 400 (and the interest): 400 was late from the 16th to the 20th,
    # 5 × 0.1480, and nothing after
    taken = late.Accrued(1, DUE, base=D("400.00"), penalty=D("2.2200"), through=CLOSED,
                         taken=((dt.date(2026, 1, 20), D("400.00")),))
    assert late.penalty_over(late.accrual_days(DUE, 0, DUE, CLOSED), D("400.00"), taken.taken, RATE, MARKUP) == \
        D("0.2960") * 5 + D("0.1480") * 5
    result = recorded_late("600.00", DUE, accrued=taken, dues=[Due(1, DUE, D("400.00"), D("200.00"), D("2.22"))])
    assert result.allocation.lines == {1: {"interest": D("200.00"), "principal": D("400.00")}}
    assert result.penalty == {1: D("0.7400")}


def test_type_first_money_of_a_past_day_pays_that_days_installments_before_later_ones():
    dues = [Due(1, DUE, D("800.00"), D("200.00"), penalty=D("2.96")), Due(2, DUE + dt.timedelta(days=5),
                                                                          D("810.00"), D("190.00"))]
    result = recorded_late("1100.00", DUE, dues=dues, order="type_first")
    # on 15 January only installment 1 was due: it is paid whole, the rest goes to installment 2 (its interest first)
    assert result.allocation.lines == {1: {"interest": D("200.00"), "principal": D("800.00")},
                                       2: {"interest": D("100.00")}}


# -- the use case -------------------------------------------------------------------------------------------
REVIEWER = actor("e-reviewer-2", permissions=("loan.repayment.reverse",))
MAKER = actor("e-maker", permissions=("loan.repayment.reverse",))


@pytest.fixture
def uow():
    unit = FakeUnitOfWork("loan", Base.metadata, acting=ADMIN)
    yield unit
    unit.close()


def overdue(uow, days_late):
    """A loan whose first installment is `days_late` days past due: close of business run to that date."""
    loan = an_active_loan(uow)
    first = uow.session.query(Installment).filter_by(loan_id=loan.id, no=1).one()
    closing.run_cob(uow.as_(ADMIN), first.due_date + dt.timedelta(days=days_late - 3))
    closing.run_cob(uow, first.due_date + dt.timedelta(days=days_late))  # the last three days one by one
    uow.commit()
    return uow.session.get(Loan, loan.id), first


def repay(uow, loan, amount, paid_on, key):
    body = load(RepaymentIn(), {"amount": str(amount), "paid_on": paid_on.isoformat(), "channel": "bank_transfer"})
    answer = repayments.record_repayment(uow.as_(CLERK), loan.id, body, key, dump=views.repayment)
    uow.commit()
    return answer


def test_a_repayment_dated_back_to_the_due_date_pays_the_installment_and_no_penalty(uow):
    loan, first = overdue(uow, 10)
    daily = servicing.daily_penalty(first.principal, loan.annual_rate, loan.penalty_markup)
    assert first.penalty == daily * 10 and loan.dpd == 10  # grace 3 over: every day since the due date
    answer = repay(uow, loan, first.principal + first.interest, first.due_date, "late-1")
    assert answer["allocation"] == {"principal": str(first.principal), "interest": str(first.interest),
                                    "penalty": "0.00", "fees": "0.00", "advance": "0.00"}
    uow.session.refresh(first)
    assert (first.penalty, first.paid_penalty, first.status) == (D("0"), D("0"), "paid")
    assert uow.session.get(Loan, loan.id).dpd == 0
    [adjusted] = uow.events("loan.penalty_adjusted")
    assert (adjusted["penalty_reduced"], adjusted["refunded"]) == (str(servicing.fen(daily * 10)), "0.00")
    assert [a[0] for a in uow.audits("recompute_penalty")] == ["recompute_penalty"]


def test_penalty_paid_on_time_then_made_excess_by_a_late_repayment_is_held_and_a_reversal_puts_it_all_back(uow):
    loan, first = overdue(uow, 10)
    penalty = servicing.fen(first.penalty)
    repay(uow, loan, penalty, first.due_date + dt.timedelta(days=10), "on-time")  # the penalty shown, paid
    before = (first.penalty, first.penalty_through, first.paid_penalty, first.status)
    late_one = repay(uow, loan, first.principal + first.interest, first.due_date, "late-2")
    uow.session.refresh(first)
    loan = uow.session.get(Loan, loan.id)
    # as if paid on its day: the installment paid with no penalty, and the penalty paid meanwhile held as 预收款
    assert (first.penalty, first.paid_penalty, first.status, loan.advance_balance) == (D("0"), D("0"), "paid",
                                                                                       penalty)
    [adjusted] = uow.events("loan.penalty_adjusted")
    assert (adjusted["refunded"], adjusted["reallocation"]["advance"]) == (str(penalty), str(penalty))
    reversal = repayments.request_reversal(uow.as_(MAKER), loan.id, late_one["id"], load(ReversalIn(), {
        "reason": "日期录错"}), "rq", dump=views.reversal)
    uow.commit()
    repayments.decide_reversal(uow.as_(REVIEWER), reversal["id"], load(DecisionIn(), {"approve": True}), "dc",
                               dump=views.decided_reversal)
    uow.commit()
    uow.session.refresh(first)
    loan = uow.session.get(Loan, loan.id)
    assert (first.penalty, first.penalty_through, first.paid_penalty, first.status) == before
    assert (first.paid_principal, loan.advance_balance, loan.dpd) == (D("0"), D("0"), 10)
    [undone] = uow.events("loan.penalty_adjustment_reversed")
    [posted] = [e["event_id"] for e in uow.emitted if e["type"] == "loan.penalty_adjusted"]
    assert undone["adjustment_event_id"] == posted
