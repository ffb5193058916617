"""What the finance service's RPCs answer, made from what its use cases return: money as strings to the fen
("0.00" when there is nothing to sum), dates as ISO text, and the columns of each report (titled in Chinese; the
gateway shows them in the request's language)."""
from services.common import jsonutil
from services.finance import domain

LEDGER_COLUMNS = {
    "disbursements": [("posted_on", "放款日期"), ("contract_no", "合同编号"), ("customer_name", "客户名称"),
                      ("principal", "放款本金"), ("fees", "扣收费用"), ("net_amount", "实付金额"),
                      ("voucher_no", "凭证号"), ("entry_id", "记账凭证")],
    "repayments": [("posted_on", "还款日期"), ("contract_no", "合同编号"), ("customer_name", "客户名称"),
                   ("amount", "实收金额"), ("principal", "本金"), ("interest", "利息"), ("penalty", "罚息"),
                   ("fees", "费用"), ("advance", "预收"), ("source", "类型"), ("entry_id", "记账凭证")],
    "balances": [("contract_no", "合同编号"), ("customer_name", "客户名称"), ("disbursed_on", "放款日期"),
                 ("maturity_date", "到期日期"), ("extended_months", "展期月数"), ("principal", "放款本金"),
                 ("outstanding_principal", "贷款余额"), ("classification", "五级分类"), ("dpd", "逾期天数")],
    "overdue": [("bucket", "逾期区间"), ("contract_no", "合同编号"), ("customer_name", "客户名称"), ("dpd", "逾期天数"),
                ("outstanding_principal", "贷款余额"), ("classification", "五级分类")],
}
CASH_COLUMNS = [("occurred_on", "日期"), ("bank_account", "账户"), ("summary", "摘要"), ("counterparty", "对方"),
                ("voucher_no", "凭证号"), ("income", "收入"), ("expense", "支出"), ("balance", "余额")]
INCOME_COLUMNS = [["month", "月份"], ["interest_income", "利息收入"], ["penalty_income", "罚息收入"],
                  ["fee_income", "手续费收入"], ["total_income", "收入合计"], ["provision_expense", "拨备支出"],
                  ["net", "净收入"]]
REPAYMENT_SOURCES = {"loan.prepaid": "提前还款", "loan.repayment_reversed": "还款冲正", "loan.extended": "展期手续费"}


def money(value):
    """A sum, "0.00" when there is nothing to sum."""
    return jsonutil.money(value or 0)


# -- chart, bank accounts ----------------------------------------------------------------------------------
def account(a):
    return {"code": a.code, "name": a.name, "kind": a.kind, "normal_side": a.normal_side, "builtin": a.builtin}


def bank_account(bank):
    return {"id": bank.id, "code": bank.code, "name": bank.name, "bank_name": bank.bank_name,
            "account_no": bank.account_no, "opening_balance": money(bank.opening_balance),
            "opened_on": bank.opened_on.isoformat(), "is_default": bank.is_default}


# -- journal -----------------------------------------------------------------------------------------------
def entry(e, lines):
    return {"id": e.id, "posted_on": e.posted_on.isoformat(), "source_type": e.source_type,
            "source_event_id": e.source_event_id, "loan_id": e.loan_id, "memo": e.memo,
            "reverses_id": e.reverses_id, "created_by": e.created_by, "created_at": e.created_at.isoformat(),
            "lines": [{"account": line.account_code, "debit": money(line.debit), "credit": money(line.credit)}
                      for line in lines]}


def entries(page):
    """A page of (entry, lines) as the pagination envelope of entries."""
    return {**page, "items": [entry(e, lines) for e, lines in page["items"]]}


def export_recorded():
    return {"recorded": True}


# -- books -------------------------------------------------------------------------------------------------
def trial_balance(tb):
    rows = [{"account": a.code, "name": a.name, "debit": money(debit), "credit": money(credit),
             "balance": money(balance), "normal_side": a.normal_side} for a, debit, credit, balance in tb.accounts]
    return {"as_of": tb.as_of.isoformat(), "accounts": rows, "total_debit": money(tb.total_debit),
            "total_credit": money(tb.total_credit), "balanced": tb.balanced}


def ledger(page):
    return {"columns": [list(c) for c in LEDGER_COLUMNS[page.kind]], "total": page.total, "page": page.page,
            "page_size": page.page_size, "items": [_LEDGER_ROWS[page.kind](*row) for row in page.rows]}


def _disbursement_row(e, book, figures):
    return {"posted_on": e.posted_on.isoformat(), "contract_no": book.contract_no,
            "customer_name": book.customer_name, "principal": money(figures["principal"]),
            "fees": money(figures["fees"]), "net_amount": money(figures["net_amount"]),
            "voucher_no": figures["voucher_no"], "entry_id": e.id, "loan_id": book.loan_id}


def _repayment_row(e, book, figures):
    shown = {code: money(value) for code, value in figures.items()}
    return {"posted_on": e.posted_on.isoformat(), "contract_no": book.contract_no,
            "customer_name": book.customer_name, "amount": shown[domain.BANK],
            "principal": shown[domain.PRINCIPAL], "interest": shown[domain.INTEREST_INCOME],
            "penalty": shown[domain.PENALTY_INCOME], "fees": shown[domain.FEE_INCOME],
            "advance": shown[domain.ADVANCE], "source": REPAYMENT_SOURCES.get(e.source_type, "还款"),
            "source_type": e.source_type, "entry_id": e.id, "loan_id": book.loan_id}


def _balance_row(b, outstanding):
    return {"contract_no": b.contract_no, "customer_name": b.customer_name,
            "disbursed_on": b.disbursed_on.isoformat(), "maturity_date": jsonutil.iso(b.maturity_date),
            "extended_months": b.extended_months, "principal": money(b.principal),
            "outstanding_principal": money(outstanding), "classification": b.classification,
            "dpd": b.dpd, "loan_id": b.loan_id}


def _overdue_row(b, outstanding):
    return {"bucket": domain.dpd_bucket(b.dpd), "contract_no": b.contract_no, "customer_name": b.customer_name,
            "dpd": b.dpd, "outstanding_principal": money(outstanding),
            "classification": b.classification, "loan_id": b.loan_id}


_LEDGER_ROWS = {"disbursements": _disbursement_row, "repayments": _repayment_row, "balances": _balance_row,
                "overdue": _overdue_row}


def cash_journal(journal):
    bank = journal.bank
    items = [{"occurred_on": m.occurred_on.isoformat(), "bank_account": bank.code, "summary": m.summary,
              "counterparty": m.counterparty, "voucher_no": m.voucher_no,
              "income": money(m.amount) if m.direction == "in" else None,
              "expense": money(m.amount) if m.direction == "out" else None,
              "balance": money(balance), "entry_id": m.entry_id, "loan_id": m.loan_id}
             for m, balance in journal.movements]
    return {"columns": [list(c) for c in CASH_COLUMNS], "bank_account": bank_account(bank),
            "opening_balance": money(journal.opening), "items": items, "total": journal.total, "page": journal.page,
            "page_size": journal.page_size}


# -- reports -----------------------------------------------------------------------------------------------
def portfolio(p):
    rows = [{"classification": grade, "label": domain.GRADE_LABELS[grade], "loans": g["count"],
             "outstanding_principal": money(g["outstanding"]), "provision_rate": str(domain.PROVISION_RATES[grade]),
             "required_provision": money(g["required"])} for grade, g in p.grades.items()]
    return {"as_of": p.as_of.isoformat(), "grades": rows, "outstanding_principal": money(p.outstanding),
            "required_provision": money(p.required), "booked_provision": money(p.booked), "par30": str(p.par30)}


def monthly_income(income):
    items = [{"month": m.month, "interest_income": money(m.interest), "penalty_income": money(m.penalty),
              "fee_income": money(m.fees), "total_income": money(m.total),
              "provision_expense": money(m.provision_expense), "net": money(m.net)} for m in income.months]
    return {"from": income.start.isoformat(), "to": income.end.isoformat(), "items": items,
            "columns": [list(c) for c in INCOME_COLUMNS]}


def provision_run(run):
    return {"as_of": run.as_of.isoformat(), "required": money(run.required_total), "change": money(run.change),
            "entry_id": run.entry_id}
