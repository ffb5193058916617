"""The finance service's use cases on the real unit of work (tests/fakes.py), driven as its entrypoints drive them:
loan events loaded through the service's own consumer schemas, commands through its input schemas. What the books
hold afterwards (entries that balance, the cash journal, the loan book, provisions), what was audited, and that a
refusal writes nothing."""
import datetime as dt
import uuid
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from services.common import clock
from services.common.consumer import Envelope
from services.common.errors import DomainError
from services.common.refusal import Refused
from services.common.schemas import load
from services.finance import domain, views
from services.finance.models import (Account, BankAccount, Base, CashMovement, JournalEntry, JournalLine, LoanBook,
                                     ProvisionRun)
from services.finance.schemas import (AccountIn, BankAccountIn, ClassificationChanged, ExportIn, LoanDisbursed,
                                      ProvisionRunIn, RepaymentReceived, RepaymentReversed, ReverseIn, as_of_query,
                                      cash_journal_query, entry_query, ledger_query)
from services.finance.usecases import accounts, books, journal, postings, reports
from tests.fakes import FakeUnitOfWork, actor

TODAY = clock.today()
DISBURSED_ON = TODAY - dt.timedelta(days=40)
PAID_ON = TODAY - dt.timedelta(days=10)
DEPARTMENT = "d-hangzhou"


@pytest.fixture
def uow():
    """The finance database as seeding leaves it: the default chart and the default bank account."""
    unit = FakeUnitOfWork("finance", Base.metadata, actor("u-finance", permissions=("finance.view",)))
    for code, (name, kind, normal_side) in domain.DEFAULT_CHART.items():
        unit.session.add(Account(code=code, name=name, kind=kind, normal_side=normal_side, builtin=True))
    unit.session.add(BankAccount(code="BASIC", name="基本存款账户", opening_balance=D("1000000.00"),
                                 opened_on=DISBURSED_ON - dt.timedelta(days=1), is_default=True))
    unit.commit()
    yield unit
    unit.close()


def event(event_type, payload, day):
    return Envelope(event_id=str(uuid.uuid4()), type=event_type, business_date=day.isoformat(),
                    occurred_at=dt.datetime.now(dt.timezone.utc).isoformat(), source=event_type.split(".")[0],
                    correlation_id="test", payload=payload)


def disburse(uow, loan_id=None, principal="120000.00", net="118500.00", fees="1500.00"):
    loan_id = loan_id or str(uuid.uuid4())
    received = event("loan.disbursed", {
        "loan_id": loan_id, "customer_id": "c-1", "customer_name": "赵全程", "contract_no": "CL-0001",
        "department_id": DEPARTMENT, "principal": principal, "net_amount": net, "fees_total": fees,
        "disbursed_on": DISBURSED_ON.isoformat(), "voucher_no": "FK001", "payee_name": "赵全程"}, DISBURSED_ON)
    written = postings.post_disbursement(uow, load(LoanDisbursed(), received.payload), event=received)
    uow.commit()
    return loan_id, written


def repay(uow, loan_id, amount="5200.00", principal="4000.00", interest="1200.00"):
    received = event("loan.repayment_received", {
        "loan_id": loan_id, "repayment_id": "r-1", "amount": amount, "paid_on": PAID_ON.isoformat(),
        "allocation": {"principal": principal, "interest": interest, "penalty": "0.00", "fees": "0.00",
                       "advance": "0.00"}, "voucher_no": "HK001", "payer_name": "赵全程"}, PAID_ON)
    written = postings.post_repayment(uow, load(RepaymentReceived(), received.payload), event=received)
    uow.commit()
    return received, written


def sides(uow, entry_id):
    return {(line.account_code, line.debit, line.credit) for line in uow.session.scalars(
        select(JournalLine).where(JournalLine.entry_id == entry_id))}


def count(uow, model):
    return uow.session.scalar(select(func.count()).select_from(model))


def test_a_disbursement_opens_the_loan_book_and_posts_a_balanced_entry_with_the_cash_paid_out(uow):
    loan_id, entry = disburse(uow)
    book = uow.session.get(LoanBook, loan_id)
    assert (book.status, book.department_id, book.principal, book.disbursed_on) == \
        ("active", DEPARTMENT, D("120000.00"), DISBURSED_ON)
    assert sides(uow, entry.id) == {("1301", D("120000.00"), D("0")), ("1002", D("0"), D("118500.00")),
                                    ("6021", D("0"), D("1500.00"))}
    assert (entry.posted_on, entry.department_id, entry.source_type) == (DISBURSED_ON, DEPARTMENT, "loan.disbursed")
    movement = uow.session.scalars(select(CashMovement)).one()
    assert (movement.direction, movement.amount, movement.voucher_no) == ("out", D("118500.00"), "FK001")

    balance = views.trial_balance(books.get_trial_balance(uow, as_of_query(None)))
    assert balance["balanced"] and balance["total_debit"] == balance["total_credit"] == "120000.00"
    by_code = {row["account"]: row["balance"] for row in balance["accounts"]}
    assert (by_code["1301"], by_code["1002"], by_code["6021"]) == ("120000.00", "-118500.00", "1500.00")


def test_a_repayment_before_its_loans_disbursement_is_posted_is_retried_and_writes_nothing(uow):
    with pytest.raises(LookupError):
        repay(uow, str(uuid.uuid4()))
    uow.rollback()
    assert count(uow, JournalEntry) == count(uow, CashMovement) == 0


def test_a_reversed_repayment_is_posted_back_once_and_the_ledger_shows_it_negative(uow):
    loan_id, _ = disburse(uow)
    received, repayment = repay(uow, loan_id)
    reversed_event = event("loan.repayment_reversed", {
        "loan_id": loan_id, "repayment_id": "r-1", "repayment_event_id": received.event_id,
        "reversed_on": TODAY.isoformat(), "reason": "退票"}, TODAY)
    data = load(RepaymentReversed(), reversed_event.payload)
    reversing = postings.reverse_repayment(uow, data, event=reversed_event)
    uow.commit()
    assert reversing.reverses_id == repayment.id and reversing.posted_on == TODAY
    assert sides(uow, reversing.id) == {(a, credit, debit) for a, debit, credit in sides(uow, repayment.id)}
    assert postings.reverse_repayment(uow, data, event=reversed_event) is None  # told again: nothing more
    uow.commit()
    assert count(uow, JournalEntry) == 3

    page = views.ledger(books.get_ledger(uow, ledger_query("repayments", None, None, None, 1, 20)))
    assert [(row["source"], row["amount"], row["principal"], row["interest"]) for row in page["items"]] == [
        ("还款", "5200.00", "4000.00", "1200.00"), ("还款冲正", "-5200.00", "-4000.00", "-1200.00")]
    cash = views.cash_journal(books.get_cash_journal(uow, cash_journal_query(None, None, None, 1, 20)))
    assert [(m["income"], m["expense"], m["balance"]) for m in cash["items"]] == [
        (None, "118500.00", "881500.00"), ("5200.00", None, "886700.00"), (None, "5200.00", "881500.00")]


def test_an_entry_is_reversed_by_hand_once_never_before_its_date_and_the_reversal_is_audited(uow):
    _, entry = disburse(uow)
    uow.as_(actor("u-reviewer", permissions=("finance.journal.reverse",)))  # not who wrote the entry
    with pytest.raises(DomainError) as early:
        journal.reverse_entry(uow, {**load(ReverseIn(), {"reason": "录错了", "posted_on": (
            DISBURSED_ON - dt.timedelta(days=1)).isoformat()}), "entry_id": entry.id})
    assert early.value.code == "DATE_BEFORE_ENTRY"
    uow.rollback()
    assert count(uow, JournalEntry) == 1 and uow.audits("reverse_entry") == []

    reversing, lines = journal.reverse_entry(uow, {**load(ReverseIn(), {"reason": "录错了"}), "entry_id": entry.id})
    uow.commit()
    assert reversing.reverses_id == entry.id and reversing.memo == "冲销: 放款 (录错了)"
    assert {(line.account_code, line.debit) for line in lines} >= {("1002", D("118500.00"))}
    assert uow.audits("reverse_entry") == [("reverse_entry", "journal_entry", entry.id, {"reason": "录错了"})]
    assert [(m.direction, m.amount) for m in uow.session.scalars(
        select(CashMovement).where(CashMovement.entry_id == reversing.id))] == [("in", D("118500.00"))]
    for target, code in ((entry.id, "ENTRY_ALREADY_REVERSED"), (reversing.id, "ENTRY_IS_REVERSAL")):
        with pytest.raises(DomainError) as refused:
            journal.reverse_entry(uow, {"reason": "again", "posted_on": None, "entry_id": target})
        assert refused.value.code == code
    uow.rollback()
    assert count(uow, JournalEntry) == 2


def test_entries_of_another_department_are_not_there_for_a_department_scoped_viewer(uow):
    loan_id, entry = disburse(uow)
    mine = views.entries(journal.list_entries(uow, entry_query(loan_id, None, None, 1, 20)))
    assert [e["id"] for e in mine["items"]] == [entry.id] and mine["items"][0]["lines"][0]["debit"] == "120000.00"

    uow.as_(actor("u-other", department_id="d-shenzhen", data_scope="department"))
    assert journal.list_entries(uow, entry_query(None, None, None, 1, 20))["total"] == 0
    with pytest.raises(DomainError) as hidden:
        journal.get_entry(uow, {"entry_id": entry.id})
    assert hidden.value.code == "ENTRY_NOT_FOUND"


def test_a_provisioning_run_books_the_change_in_required_provision_once_per_date(uow):
    loan_id, _ = disburse(uow)
    graded = event("collection.classification_changed", {"loan_id": loan_id, "classification": "substandard"}, TODAY)
    postings.record_classification(uow, load(ClassificationChanged(), graded.payload))
    uow.commit()

    run = reports.run_provisions(uow, load(ProvisionRunIn(), {"as_of": TODAY.isoformat()}))
    uow.commit()
    assert views.provision_run(run) == {"as_of": TODAY.isoformat(), "required": "30000.00", "change": "30000.00",
                                        "entry_id": run.entry_id}  # 25 % of 120000 substandard
    assert sides(uow, run.entry_id) == {("6701", D("30000.00"), D("0")), ("1304", D("0"), D("30000.00"))}
    assert uow.session.get(LoanBook, loan_id).provision_booked == D("30000.00")
    assert uow.audits("run_provisions") == [("run_provisions", "provision_run", TODAY.isoformat(),
                                             {"change": "30000.00"})]
    portfolio = views.portfolio(reports.get_portfolio(uow, as_of_query(None)))
    assert (portfolio["required_provision"], portfolio["booked_provision"]) == ("30000.00", "30000.00")

    with pytest.raises(DomainError) as again:
        reports.run_provisions(uow, load(ProvisionRunIn(), {"as_of": TODAY.isoformat()}))
    assert again.value.code == "PROVISIONS_ALREADY_RUN"
    uow.rollback()
    assert count(uow, ProvisionRun) == 1 and count(uow, JournalEntry) == 2


def test_the_provisions_entry_is_reversed_by_someone_other_than_who_ran_them(uow):
    disburse(uow)
    runner = actor("u-runner", permissions=("finance.manage", "finance.journal.reverse"))
    run = reports.run_provisions(uow.as_(runner), load(ProvisionRunIn(), {"as_of": TODAY.isoformat()}))
    uow.commit()
    reverse = {**load(ReverseIn(), {"reason": "计提有误"}), "entry_id": run.entry_id}
    with pytest.raises(Refused) as own:
        journal.reverse_entry(uow, reverse)
    assert (own.value.code, own.value.kind, own.value.extra) == (
        "SEGREGATION_OF_DUTIES", "forbidden", {"reason": "entry_maker"})
    uow.rollback()
    assert count(uow, JournalEntry) == 2 and uow.audits("reverse_entry") == []

    reversing, _ = journal.reverse_entry(uow.as_(actor("u-other", permissions=("finance.journal.reverse",))), reverse)
    uow.commit()
    assert reversing.reverses_id == run.entry_id and reversing.created_by == "u-other"


def test_an_account_is_added_once_with_its_kinds_normal_side_and_audited(uow):
    account = accounts.create_account(uow, load(AccountIn(), {"code": "6702", "name": "其他支出", "kind": "expense"}))
    uow.commit()
    assert views.account(uow.session.get(Account, "6702")) == {
        "code": "6702", "name": "其他支出", "kind": "expense", "normal_side": "debit", "builtin": False}
    assert account.code == "6702" and uow.audits("create_account") == [
        ("create_account", "account", "6702", {"name": "其他支出"})]
    with pytest.raises(DomainError) as duplicate:
        accounts.create_account(uow, load(AccountIn(), {"code": "6702", "name": "又一个", "kind": "income"}))
    assert duplicate.value.code == "ACCOUNT_DUPLICATE"
    uow.rollback()
    assert uow.session.get(Account, "6702").name == "其他支出" and len(uow.audits("create_account")) == 1


def test_a_new_default_bank_account_takes_over_the_default_and_receives_the_cash_of_postings(uow):
    bank = accounts.create_bank_account(uow, load(BankAccountIn(), {
        "code": "ICBC", "name": "工行一般户", "opened_on": DISBURSED_ON.isoformat(), "is_default": True}))
    uow.commit()
    assert [b.code for b in uow.session.scalars(select(BankAccount).where(BankAccount.is_default.is_(True)))] == \
        ["ICBC"]
    disburse(uow)
    assert uow.session.scalars(select(CashMovement)).one().bank_account_id == bank.id
    assert uow.audits("create_bank_account") == [("create_bank_account", "bank_account", bank.id, {"code": "ICBC"})]


def test_an_export_is_recorded_only_for_someone_who_may_export(uow):
    data = load(ExportIn(), {"report": "ledgers/repayments", "filters": {"date_from": "2026-01-01"}, "rows": 12})
    with pytest.raises(DomainError) as refused:
        reports.record_export(uow, data)
    assert refused.value.code == "PERMISSION_DENIED"
    assert uow.audits("export") == []
    uow.as_(actor("u-finance", permissions=("finance.view", "finance.export")))
    reports.record_export(uow, data)
    uow.commit()
    assert uow.audits("export") == [("export", "report", "ledgers/repayments",
                                     {"format": "xlsx", "filters": {"date_from": "2026-01-01"}, "rows": 12})]


def test_an_unknown_ledger_is_not_found_before_its_dates_are_read():
    with pytest.raises(DomainError) as unknown:
        ledger_query("salaries", "not a date", None, None, 1, 20)
    assert unknown.value.code == "LEDGER_NOT_FOUND"
    with pytest.raises(DomainError) as bad:
        ledger_query("balances", None, None, "2026-13-01", 1, 20)
    assert bad.value.code == "DATE_INVALID"
