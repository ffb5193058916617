"""Finance's postings of the servicing corrections of issue 18 (the real unit of work on SQLite, tests/fakes.py),
from payloads the loan service's own builders make (services/loan/events.py), loaded through finance's consumer
schemas: an extension's fee posted Dr 1002 / Cr 6021 with its cash, its new maturity in the balances ledger; a
partial early repayment's interest posted as that prepayment's income, to the fen, and the ledgers agreeing."""
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal as D
from types import SimpleNamespace

from sqlalchemy import select

from services.common.clock import add_months
from services.common.schemas import load
from services.finance import domain, views
from services.finance.models import CashMovement, JournalEntry, LoanBook
from services.finance.schemas import LoanDisbursed, LoanExtended, LoanPrepaid, as_of_query, ledger_query
from services.finance.usecases import books, postings
from services.loan import events as loan_events
from tests.unit.test_finance_usecases import (DISBURSED_ON, PAID_ON, TODAY, count, disburse, event, repay, sides,
                                              uow)  # noqa: F401  (uow: the fixture)

MATURITY = add_months(DISBURSED_ON, 36)


def a_loan(loan_id, outstanding, maturity, extended_months=0):
    """The loan as the loan service keeps it, for its event builders."""
    return SimpleNamespace(id=loan_id, customer_id="c-1", customer_name="赵全程", contract_no="CL-0001",
                           department_id="d-hangzhou", outstanding_principal=D(outstanding), maturity_date=maturity,
                           extended_months=extended_months)


def extended(uow, loan_id, fee, voucher_no="ZQ0001", months=6):
    loan = a_loan(loan_id, "116000.00", add_months(MATURITY, months), months)
    extension = SimpleNamespace(id="x-1", months=months, maturity_before=MATURITY, fee=D(fee),
                                fee_voucher_no=voucher_no if D(fee) else None)
    rebuilt = [SimpleNamespace(total=D("3316.64"))] * 39
    kind, payload = loan_events.extended(loan, extension, rebuilt, TODAY)
    received = event(f"loan.{kind}", payload, TODAY)
    written = postings.post_extension(uow, load(LoanExtended(), received.payload), event=received)
    uow.commit()
    return loan, written


def ledger(uow, kind, **dates):
    query = ledger_query(kind, dates.get("start"), dates.get("end"), dates.get("as_of"), 1, 50)
    return views.ledger(books.get_ledger(uow, query))


def test_an_extension_fee_is_a_balanced_cash_entry_and_no_fee_is_no_entry():
    entry = domain.extension_fee(D("1160.00"))
    assert {(line.account, line.debit, line.credit) for line in entry.lines} == {
        ("1002", D("1160.00"), D("0")), ("6021", D("0"), D("1160.00"))}
    assert entry.cash == (("in", D("1160.00")),) and entry.memo == "展期手续费"
    assert domain.extension_fee(D("0")) is None


def test_an_extension_fee_is_posted_with_its_cash_and_the_new_maturity_is_in_the_balances_ledger(uow):
    loan_id, _ = disburse(uow)
    repay(uow, loan_id)  # 4,000.00 of principal: 116,000.00 outstanding
    loan, entry = extended(uow, loan_id, "1160.00")
    assert sides(uow, entry.id) == {("1002", D("1160.00"), D("0")), ("6021", D("0"), D("1160.00"))}
    assert (entry.posted_on, entry.source_type, entry.memo) == (TODAY, "loan.extended", "展期手续费")
    cash = uow.session.scalars(select(CashMovement).where(CashMovement.entry_id == entry.id)).one()
    assert (cash.direction, cash.amount, cash.voucher_no, cash.counterparty, cash.summary) == (
        "in", D("1160.00"), "ZQ0001", "赵全程", "展期手续费 CL-0001")

    [row] = ledger(uow, "balances")["items"]
    assert (row["maturity_date"], row["extended_months"], row["outstanding_principal"]) == (
        loan.maturity_date.isoformat(), 6, "116000.00")
    assert ["maturity_date", "到期日期"] in ledger(uow, "balances")["columns"]
    received = [r for r in ledger(uow, "repayments")["items"] if r["source_type"] == "loan.extended"]
    assert [(r["amount"], r["fees"], r["principal"], r["source"]) for r in received] == [
        ("1160.00", "1160.00", "0.00", "展期手续费")]
    balance = views.trial_balance(books.get_trial_balance(uow, as_of_query(None)))
    fee_income = {r["account"]: r["balance"] for r in balance["accounts"]}["6021"]
    assert balance["balanced"] and fee_income == "2660.00"  # 1,500.00 deducted at disbursement + the extension's


def test_an_extension_without_a_fee_moves_no_money_but_the_book_shows_it(uow):
    loan_id, _ = disburse(uow)
    entries = count(uow, JournalEntry)
    loan, entry = extended(uow, loan_id, "0.00", months=3)
    assert entry is None and count(uow, JournalEntry) == entries
    book = uow.session.get(LoanBook, loan_id)
    assert (book.maturity_date, book.extended_months) == (loan.maturity_date, 3)


def test_the_disbursement_gives_the_book_its_maturity(uow):
    loan_id = "loan-with-schedule"
    received = event("loan.disbursed", {
        "loan_id": loan_id, "customer_id": "c-1", "customer_name": "赵全程", "contract_no": "CL-0002",
        "department_id": "d-hangzhou", "principal": "80000.00", "net_amount": "80000.00", "fees_total": "0.00",
        "disbursed_on": DISBURSED_ON.isoformat(), "schedule": {"maturity_date": MATURITY.isoformat()}}, DISBURSED_ON)
    postings.post_disbursement(uow, load(LoanDisbursed(), received.payload), event=received)
    uow.commit()
    assert uow.session.get(LoanBook, loan_id).maturity_date == MATURITY


def test_a_partial_early_repayment_posts_its_own_interest_to_the_fen_and_the_books_agree(uow):
    loan_id, _ = disburse(uow)
    repay(uow, loan_id)  # 4,000.00 principal, 1,200.00 interest
    days = (TODAY - PAID_ON).days
    interest = (D("20000.00") * D("0.0888") / 360 * days).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    shortened = MATURITY - dt.timedelta(days=200)
    record = SimpleNamespace(id="pp-1", full=False, mode="shorten_term", paid_on=TODAY, amount=D("20400.00") + interest,
                             principal=D("20000.00"), interest=interest, fee=D("400.00"), advance_used=D("0.00"))
    kind, payload = loan_events.prepaid(a_loan(loan_id, "96000.00", shortened), record)
    received = event(f"loan.{kind}", payload, TODAY)
    entry = postings.post_prepayment(uow, load(LoanPrepaid(), received.payload), event=received)
    uow.commit()
    assert sides(uow, entry.id) == {("1002", D("20400.00") + interest, D("0")), ("1301", D("0"), D("20000.00")),
                                    ("6011", D("0"), interest), ("6021", D("0"), D("400.00"))}
    [row] = ledger(uow, "balances")["items"]
    assert (row["outstanding_principal"], row["maturity_date"]) == ("96000.00", shortened.isoformat())
    prepaid = [r for r in ledger(uow, "repayments")["items"] if r["source_type"] == "loan.prepaid"]
    assert [(r["principal"], r["interest"], r["fees"]) for r in prepaid] == [("20000.00", str(interest), "400.00")]
    balance = views.trial_balance(books.get_trial_balance(uow, as_of_query(None)))
    by_code = {r["account"]: r["balance"] for r in balance["accounts"]}
    assert balance["balanced"] and by_code["6011"] == str(D("1200.00") + interest) and by_code["1301"] == "96000.00"
