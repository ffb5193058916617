"""罚息调整 in the books: a repayment recorded late had its penalty recomputed; penalty income already received beyond
it is moved by a new entry (Dr 6012) to where the loan service put the money, never by changing an entry, and the
reversal of that repayment reverses the adjustment too."""
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from services.common.schemas import load
from services.finance import domain
from services.finance.models import JournalEntry
from services.finance.schemas import PenaltyAdjusted, PenaltyAdjustmentReversed, RepaymentReceived, as_of_query
from services.finance.usecases import books, postings, store
from tests.unit.test_finance_usecases import PAID_ON, TODAY, disburse, event, uow  # noqa: F401 (the fixture)


def test_penalty_income_received_in_excess_moves_to_the_advance_or_principal_and_unreceived_penalty_posts_nothing():
    entry = domain.penalty_adjustment(D("2.96"), advance=D("2.00"), principal=D("0.96"))
    assert [(line.account, line.debit, line.credit) for line in entry.lines] == [
        ("6012", D("2.96"), D("0")), ("1301", D("0"), D("0.96")), ("2241", D("0"), D("2.00"))]
    assert entry.cash == ()  # no money moves: it came in with the repayment that paid the penalty
    # handed back to another installment's penalty, only the difference leaves penalty income
    assert [(line.account, line.debit) for line in domain.penalty_adjustment(D("2.96"), penalty=D("1.00"),
                                                                             advance=D("1.96")).lines][0] == (
        "6012", D("1.96"))
    assert domain.penalty_adjustment(D("0")) is None  # penalty never received was never income (cash basis)


def adjusted(uow, loan_id, refunded):
    received = event("loan.penalty_adjusted", {
        "loan_id": loan_id, "repayment_id": "r-late", "customer_id": "c-1", "contract_no": "CL-0001",
        "paid_on": PAID_ON.isoformat(), "adjusted_on": TODAY.isoformat(), "penalty_reduced": "5.92",
        "refunded": refunded, "reallocation": {"principal": "0.00", "interest": "0.00", "penalty": "0.00",
                                               "fees": "0.00", "advance": refunded}}, TODAY)
    written = postings.post_penalty_adjustment(uow, load(PenaltyAdjusted(), received.payload), event=received)
    uow.commit()
    return received, written


def test_an_adjustment_is_posted_once_as_a_new_entry_and_reversed_with_its_repayment(uow):  # noqa: F811
    loan_id, _ = disburse(uow)
    paid = event("loan.repayment_received", {
        "loan_id": loan_id, "amount": "2.96", "paid_on": TODAY.isoformat(), "voucher_no": "HK1",
        "allocation": {"principal": "0.00", "interest": "0.00", "penalty": "2.96", "fees": "0.00",
                       "advance": "0.00"}}, TODAY)
    postings.post_repayment(uow, load(RepaymentReceived(), paid.payload), event=paid)
    uow.commit()
    _, nothing = adjusted(uow, loan_id, "0.00")
    assert nothing is None
    received, entry = adjusted(uow, loan_id, "2.96")
    assert (entry.memo, entry.source_event_id, entry.posted_on) == ("罚息调整", received.event_id, TODAY)
    lines = {line.account_code: (line.debit, line.credit) for line in store.lines_of(uow, [entry.id])[entry.id]}
    assert lines == {"6012": (D("2.96"), D("0")), "2241": (D("0"), D("2.96"))}
    undone = event("loan.penalty_adjustment_reversed", {
        "loan_id": loan_id, "repayment_id": "r-late", "reversal_id": "rv", "contract_no": "CL-0001",
        "adjustment_event_id": received.event_id, "reversed_on": TODAY.isoformat(), "reason": "日期录错"}, TODAY)
    reversing = postings.reverse_penalty_adjustment(uow, load(PenaltyAdjustmentReversed(), undone.payload),
                                                    event=undone)
    uow.commit()
    assert reversing.reverses_id == entry.id
    assert postings.reverse_penalty_adjustment(uow, load(PenaltyAdjustmentReversed(), undone.payload),
                                               event=undone) is None  # once
    entries = uow.session.scalars(select(JournalEntry).where(JournalEntry.loan_id == loan_id)).all()
    assert len(entries) == 4  # disbursement, repayment, adjustment, its reversal: none changed
    balance = books.get_trial_balance(uow, as_of_query(None))
    assert balance.total_debit == balance.total_credit
    by_code = {account.code: figure for account, _, _, figure in balance.accounts}
    assert by_code["6012"] == D("2.96")  # as received: the adjustment undone


def test_the_reversal_of_an_adjustment_not_posted_yet_waits_for_it(uow):  # noqa: F811
    loan_id, _ = disburse(uow)
    undone = event("loan.penalty_adjustment_reversed", {
        "loan_id": loan_id, "adjustment_event_id": "not-yet", "reversed_on": TODAY.isoformat()}, TODAY)
    with pytest.raises(LookupError):  # the consumer retries it, then parks it
        postings.reverse_penalty_adjustment(uow, load(PenaltyAdjustmentReversed(), undone.payload), event=undone)
