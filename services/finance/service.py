"""Nameko entrypoints of the finance service (财务中心): postings from loan events, the books, ledgers, the
cash journal and reports. Each loads its input, calls one use case of `services/finance/usecases/` and answers
its view (`services/finance/views.py`); the accounting rules live in `services/finance/domain.py`."""
from services.common.consumer import subscribe
from services.common.db import UnitOfWork
from services.common.rpc import rpc
from services.common.schemas import load
from services.common.service import ServiceBase
from services.finance import views
from services.finance.models import Base
from services.finance.schemas import (AccountIn, AdvanceApplied, BankAccountIn, ClassificationChanged, DpdChanged,
                                      ExportIn, LoanDisbursed, LoanExtended, LoanPrepaid, LoanSettled, ProvisionRunIn,
                                      RepaymentReceived, RepaymentReversed, ReverseIn, as_of_query, cash_journal_query,
                                      entry_query, income_query, ledger_query)
from services.finance.schemas import PenaltyAdjusted, PenaltyAdjustmentReversed
from services.finance.usecases import accounts, books, journal, postings, reports


class FinanceService(ServiceBase):
    name = "finance"
    uow = UnitOfWork(Base.metadata)

    # -- postings from events ------------------------------------------------------------------
    @subscribe("loan.disbursed")
    def on_loan_disbursed(self, event):
        postings.post_disbursement(self.uow, load(LoanDisbursed(), event.payload), event=event)

    @subscribe("loan.repayment_received")
    def on_repayment_received(self, event):
        postings.post_repayment(self.uow, load(RepaymentReceived(), event.payload), event=event)

    @subscribe("loan.advance_applied")
    def on_advance_applied(self, event):
        postings.post_advance_applied(self.uow, load(AdvanceApplied(), event.payload), event=event)

    @subscribe("loan.prepaid")
    def on_prepaid(self, event):
        postings.post_prepayment(self.uow, load(LoanPrepaid(), event.payload), event=event)

    @subscribe("loan.extended")
    def on_extended(self, event):
        """展期: the new maturity in the balances ledger, and the fee received posted Dr 1002 / Cr 6021."""
        postings.post_extension(self.uow, load(LoanExtended(), event.payload), event=event)

    @subscribe("loan.penalty_adjusted")
    def on_penalty_adjusted(self, event):
        """罚息调整 (a repayment recorded late): penalty income received in excess moved where the loan put it."""
        postings.post_penalty_adjustment(self.uow, load(PenaltyAdjusted(), event.payload), event=event)

    @subscribe("loan.penalty_adjustment_reversed")
    def on_penalty_adjustment_reversed(self, event):
        postings.reverse_penalty_adjustment(self.uow, load(PenaltyAdjustmentReversed(), event.payload), event=event)

    @subscribe("loan.dpd_changed")
    def on_dpd_changed(self, event):
        postings.record_dpd(self.uow, load(DpdChanged(), event.payload))

    @subscribe("loan.settled")
    def on_settled(self, event):
        postings.settle_loan_book(self.uow, load(LoanSettled(), event.payload))

    @subscribe("collection.classification_changed")
    def on_classification_changed(self, event):
        """The grade decides the provision required at the next provisioning run (month end)."""
        postings.record_classification(self.uow, load(ClassificationChanged(), event.payload))

    @subscribe("loan.repayment_reversed")
    def on_repayment_reversed(self, event):
        """还款冲正 on the loan: the entry posted from that repayment is reversed (红字冲销), dated the reversal's
        business date (never before the entry). Its posting not made yet: retried, then parked. Already reversed by
        hand (`POST /finance/journal-entries/{id}/reverse`): the books show it undone, nothing more is posted."""
        postings.reverse_repayment(self.uow, load(RepaymentReversed(), event.payload), event=event)

    # -- chart, bank accounts ------------------------------------------------------------------
    @rpc
    def list_accounts(self):
        return [views.account(a) for a in accounts.list_accounts(self.uow)]

    @rpc
    def create_account(self, data):
        return views.account(accounts.create_account(self.uow, load(AccountIn(), data)))

    @rpc
    def list_bank_accounts(self):
        return [views.bank_account(b) for b in accounts.list_bank_accounts(self.uow)]

    @rpc
    def create_bank_account(self, data):
        return views.bank_account(accounts.create_bank_account(self.uow, load(BankAccountIn(), data)))

    # -- journal -------------------------------------------------------------------------------
    @rpc
    def list_entries(self, loan_id=None, date_from=None, date_to=None, page=1, page_size=20):
        data = entry_query(loan_id, date_from, date_to, page, page_size)
        return views.entries(journal.list_entries(self.uow, data))

    @rpc
    def get_entry(self, entry_id):
        return views.entry(*journal.get_entry(self.uow, {"entry_id": entry_id}))

    @rpc
    def reverse_entry(self, entry_id, data):
        """红字冲销: a new entry with every line's sides swapped, linked to the original."""
        data = {**load(ReverseIn(), data), "entry_id": entry_id}
        return views.entry(*journal.reverse_entry(self.uow, data))

    @rpc
    def run_provisions(self, data):
        """计提拨备 as of a date (month end): the change in required provision over every loan, one entry."""
        return views.provision_run(reports.run_provisions(self.uow, load(ProvisionRunIn(), data)))

    # -- reports -------------------------------------------------------------------------------
    @rpc
    def trial_balance(self, as_of=None):
        return views.trial_balance(books.get_trial_balance(self.uow, as_of_query(as_of)))

    @rpc
    def ledger(self, kind, date_from=None, date_to=None, as_of=None, page=1, page_size=20):
        """台账: disbursements, repayments (between dates), balances and overdue (as of a date)."""
        data = ledger_query(kind, date_from, date_to, as_of, page, page_size)
        return views.ledger(books.get_ledger(self.uow, data))

    @rpc
    def cash_journal(self, account=None, date_from=None, date_to=None, page=1, page_size=20):
        """资金日记账 of one bank account (default: the default account), with the running balance."""
        data = cash_journal_query(account, date_from, date_to, page, page_size)
        return views.cash_journal(books.get_cash_journal(self.uow, data))

    @rpc
    def portfolio(self, as_of=None):
        """Outstanding principal by five-level grade, provisions required and booked, PAR30."""
        return views.portfolio(reports.get_portfolio(self.uow, as_of_query(as_of)))

    @rpc
    def monthly_income(self, date_from=None, date_to=None):
        return views.monthly_income(reports.get_monthly_income(self.uow, income_query(date_from, date_to)))

    @rpc
    def record_export(self, data):
        """An `.xlsx` export the gateway built from these books: which report, with which filters, how many rows
        (permission `finance.export`). Recorded in the audit log; the figures themselves are not kept."""
        reports.record_export(self.uow, load(ExportIn(), data))
        return views.export_recorded()
