"""What the loan service's RPCs answer: model objects and domain values worded for the wire (money and rates as
strings, dates as ISO text, statuses with their Chinese labels). Formatting only: the figures come from the use
cases and the domain."""
import json
from decimal import Decimal

from services.common import clock
from services.common.jsonutil import iso, money, rate
from services.loan.domain import checklists
from services.loan.domain import origination as rules
from services.loan.domain import portfolio
from services.loan.domain import schedule as engine
from services.loan.domain import servicing


def page(result, dump):
    """A page of use-case results (`services.common.pagination`), each item worded by `dump`."""
    return {**result, "items": [dump(item) for item in result["items"]]}


def schedule_lines(lines):
    return [{"no": line.no, "due_date": line.due_date.isoformat(), "principal": money(line.principal),
             "interest": money(line.interest), "total": money(line.total), "balance_after": money(line.balance_after)}
            for line in lines]


def schedule(built):
    """A schedule the engine built (还款试算, a contract's preview)."""
    return {"installments": schedule_lines(built.installments), "total_interest": money(built.total_interest),
            "total_payment": money(built.total_payment), "net_amount": money(built.net_amount),
            "apr": rate(built.apr, "0.0001")}


def calculation(built, data):
    return {**schedule(built), "repayment_method": data["repayment_method"],
            "repayment_method_label": engine.METHODS[data["repayment_method"]],
            "annual_rate": rate(data["annual_rate"]), "amount": money(data["amount"])}


def fees(fee_list):
    return [{"name": f.name, "amount": money(f.amount), "rate": rate(f.rate)} for f in fee_list]


def product(row):
    fee_list = rules.product_fees(row)
    low, high = rules.apr_range(row, fee_list, clock.today())
    return {"id": row.id, "code": row.code, "name": row.name, "repayment_method": row.repayment_method,
            "repayment_method_label": engine.METHODS[row.repayment_method], "annual_rate": rate(row.annual_rate),
            "min_term_months": row.min_term_months, "max_term_months": row.max_term_months,
            "min_amount": money(row.min_amount), "max_amount": money(row.max_amount), "max_ltv": rate(row.max_ltv),
            "penalty_markup": rate(row.penalty_markup), "grace_days": row.grace_days,
            "prepayment_fee_rate": rate(row.prepayment_fee_rate),
            "prepayment_fee_free_after_months": row.prepayment_fee_free_after_months,
            "allocation": row.allocation, "compound_penalty": row.compound_penalty, "upfront_fees": fees(fee_list),
            "apr": rate(high, "0.0001"), "apr_range": {"min": rate(low, "0.0001"), "max": rate(high, "0.0001")},
            "active": row.active, "version": row.version, "checklist": checklist(row),
            "created_at": row.created_at.isoformat()}


def checklist(row):
    """A product's 资料清单, each item with its category's label."""
    return checklists.shown(checklists.parse(json.loads(row.checklist or "{}")))


def product_versions(product, versions):
    """产品版本: each version's pricing terms, which one is current, and how many applications it prices."""
    return [{"version": row.version, "current": row.version == product.version,
             "repayment_method": row.repayment_method, "repayment_method_label": engine.METHODS[row.repayment_method],
             "annual_rate": rate(row.annual_rate), "penalty_markup": rate(row.penalty_markup),
             "grace_days": row.grace_days, "prepayment_fee_rate": rate(row.prepayment_fee_rate),
             "prepayment_fee_free_after_months": row.prepayment_fee_free_after_months, "allocation": row.allocation,
             "compound_penalty": row.compound_penalty, "upfront_fees": fees(rules.product_fees(row)),
             "applications": applications, "created_by": row.created_by, "created_at": row.created_at.isoformat()}
            for row, applications in versions]


def lpr(row):
    return {"effective_on": row.effective_on.isoformat(), "one_year": rate(row.one_year),
            "five_year": rate(row.five_year), "created_by": row.created_by}


def credit_line(line, available):
    return {"id": line.id, "customer_id": line.customer_id, "limit": money(line.limit),
            "expires_on": line.expires_on.isoformat(), "revolving": line.revolving, "status": line.status,
            "expired": line.expires_on < clock.today(), "available": money(max(available, 0)),
            "officer_id": line.officer_id, "department_id": line.department_id, "decided_by": line.decided_by,
            "decided_at": iso(line.decided_at), "comment": line.comment, "created_at": line.created_at.isoformat()}


def application(row, lpr_today, steps=None):
    """An application with the interest cap (4 × the one-year LPR in force today) it is held to; its decision
    history (`steps`) when given."""
    cap = rules.interest_cap(lpr_today) if lpr_today is not None else None
    result = {
        "id": row.id, "customer_id": row.customer_id, "customer_name": row.customer_name,
        "product_id": row.product_id, "product_version": row.product_version,
        "repayment_method": row.terms.repayment_method, "annual_rate": rate(row.terms.annual_rate),
        "vehicle_id": row.vehicle_id, "amount": money(row.amount),
        "term_months": row.term_months, "credit_line_id": row.credit_line_id, "status": row.status,
        "status_label": rules.APPLICATION_STATUSES[row.status], "officer_id": row.officer_id,
        "department_id": row.department_id, "valuation_id": row.valuation_id,
        "appraised_value": money(row.appraised_value), "apr": rate(row.apr, "0.0001"),
        "interest_cap": {"cap": rate(cap, "0.0001"), "exceeds": cap is not None and row.apr > cap,
                         "overridden_by": row.cap_override_by, "override_reason": row.cap_override_reason},
        "investigated_by": row.investigated_by, "findings": row.findings, "recommendation": row.recommendation,
        "income_verified": row.income_verified, "home_visit": row.home_visit, "work_visit": row.work_visit,
        "first_decision_by": row.first_decision_by, "second_decision_by": row.second_decision_by,
        "loan_id": row.loan_id, "submitted_at": row.submitted_at.isoformat()}
    if steps is not None:
        result["steps"] = [{"step": s.step, "outcome": s.outcome, "comment": s.comment, "actor_id": s.actor_id,
                            "actor_name": s.actor_name, "at": s.at.isoformat()} for s in steps]
    return result


def loan(row):
    return {"id": row.id, "contract_no": row.contract_no, "application_id": row.application_id,
            "customer_id": row.customer_id, "customer_name": row.customer_name, "product_id": row.product_id,
            "product_version": row.product_version,
            "vehicle_id": row.vehicle_id, "credit_line_id": row.credit_line_id, "officer_id": row.officer_id,
            "department_id": row.department_id, "principal": money(row.principal), "term_months": row.term_months,
            "repayment_method": row.repayment_method,
            "repayment_method_label": engine.METHODS[row.repayment_method], "annual_rate": rate(row.annual_rate),
            "apr": rate(row.apr, "0.0001"), "penalty_markup": rate(row.penalty_markup), "grace_days": row.grace_days,
            "prepayment_fee_rate": rate(row.prepayment_fee_rate),
            "prepayment_fee_free_after_months": row.prepayment_fee_free_after_months, "allocation": row.allocation,
            "compound_penalty": row.compound_penalty,
            "fees": [{"name": f["name"], "amount": money(Decimal(f["amount"]))} for f in json.loads(row.fees)],
            "fees_total": money(row.fees_total), "net_amount": money(row.net_amount),
            "signed_on": iso(row.signed_on), "disbursed_on": iso(row.disbursed_on),
            "first_due_date": iso(row.first_due_date), "maturity_date": iso(row.maturity_date),
            "status": row.status, "status_label": rules.LOAN_STATUSES[row.status],
            "outstanding_principal": money(row.outstanding_principal), "advance_balance": money(row.advance_balance),
            "settled_on": iso(row.settled_on), "dpd": row.dpd, "classification": row.classification,
            "classification_label": portfolio.GRADE_LABELS.get(row.classification),
            "restructured": row.restructured, "extended_months": row.extended_months,
            "created_at": row.created_at.isoformat()}


def loan_detail(detail, pii):
    """A loan with its latest disbursement, the penalty accrued and not paid, and the next installment due."""
    next_due = detail.next_due
    return {**loan(detail.loan), "disbursement": detail.disbursement and disbursement(detail.disbursement, pii),
            "accrued_penalty": money(detail.accrued_penalty),
            "next_due": next_due and {"no": next_due.no, "due_date": next_due.due_date.isoformat(),
                                      "amount": money(next_due.total)}}


def installments(row, lines):
    """还款计划 as it stands: per installment what is due, paid, and the penalty."""
    return {"loan_id": row.id, "fixed": row.status != "signed", "installments": [
        {"no": i.no, "due_date": i.due_date.isoformat(), "principal": money(i.principal),
         "interest": money(i.interest), "total": money(i.total), "balance_after": money(i.balance_after),
         "paid_principal": money(i.paid_principal), "paid_interest": money(i.paid_interest),
         "penalty": money(i.penalty), "paid_penalty": money(i.paid_penalty), "fees": money(i.fees),
         "paid_fees": money(i.paid_fees), "status": i.status} for i in lines],
        "total_interest": money(sum((i.interest for i in lines), engine.ZERO)),
        "total_payment": money(sum((i.total for i in lines), engine.ZERO))}


def disbursement(row, pii):
    return {"id": row.id, "loan_id": row.loan_id, "payee_name": row.payee_name,
            "payee_account": rules.mask_account(pii.decrypt(row.payee_account_enc)),
            "amount": money(row.amount), "status": row.status, "registered_by": row.registered_by,
            "registered_at": row.registered_at.isoformat(), "reviewed_by": row.reviewed_by,
            "reviewed_at": iso(row.reviewed_at), "voucher_no": row.voucher_no, "disbursed_on": iso(row.disbursed_on),
            "comment": row.comment}


def repayment(row, on_loan, reversal_row=None):
    """A repayment as the clerk matches it to the bank statement: voucher number and payer; its status
    (`recorded` | `reversed`) and its latest reversal request, if any; the loan as it left it."""
    allocation = json.loads(row.allocation)
    return {"id": row.id, "loan_id": row.loan_id, "amount": money(row.amount), "paid_on": row.paid_on.isoformat(),
            "channel": row.channel, "payer_name": row.payer_name, "voucher_no": row.voucher_no,
            "status": row.status, "status_label": servicing.REPAYMENT_STATUSES[row.status],
            "reversal": reversal_row and reversal(reversal_row),
            "allocation": {k: money(Decimal(v)) for k, v in allocation.items()
                           if k in (*servicing.PARTS, "advance")},
            "lines": [{"no": int(no), **{k: money(Decimal(v)) for k, v in paid.items()}}
                      for no, paid in allocation["lines"].items()],
            "recorded_by": row.recorded_by, "created_at": row.created_at.isoformat(),
            "loan_status": on_loan.status, "outstanding_principal": money(on_loan.outstanding_principal),
            "advance_balance": money(on_loan.advance_balance)}


def _decision(row):
    """The maker-checker columns every request decided by a second person has."""
    return {"status": row.status, "requested_by": row.requested_by, "decided_by": row.decided_by,
            "decided_at": iso(row.decided_at), "comment": row.comment}


def reversal(row):
    return {"id": row.id, "loan_id": row.loan_id, "repayment_id": row.repayment_id, "reason": row.reason,
            **_decision(row), "reversed_on": iso(row.reversed_on), "created_at": row.created_at.isoformat()}


def decided_reversal(row, repaid, on_loan):
    """A reversal decided; approved, with the repayment it reversed (`repaid`, None when rejected)."""
    if repaid is None:
        return reversal(row)
    return {**reversal(row), "repayment": repayment(repaid, on_loan, row)}


def quote(on_loan, data, figures, rebuilt):
    """提前还款 quote (and, once paid, the prepayment): the figures, and the schedule after a partial one."""
    result = {"loan_id": on_loan.id, "paid_on": data["paid_on"].isoformat(), "full": data["full"],
              "principal": money(figures.principal), "interest": money(figures.interest), "fee": money(figures.fee),
              "advance_used": money(figures.advance_used), "amount": money(figures.amount),
              "accrued_days": figures.accrued_days}
    if not data["full"]:
        result["mode"] = data["mode"] or "reduce_installment"
        result["schedule_after"] = {
            "installments": len(rebuilt), "next_installment": money(rebuilt[0].total),
            "maturity_date": rebuilt[-1].due_date.isoformat(), "lines": schedule_lines(rebuilt)}
    return result


def prepayment(done):
    return {**quote(done.loan, done.data, done.quote, done.rebuilt), "id": done.record.id,
            "loan_status": done.loan.status}


def transfer(row):
    return {"id": row.id, "loan_id": row.loan_id, "from_customer_id": row.from_customer_id,
            "to_customer_id": row.to_customer_id, "to_customer_name": row.to_customer_name, "reason": row.reason,
            **_decision(row), "supplement_no": row.supplement_no, "created_at": row.created_at.isoformat()}


def extension(row):
    return {"id": row.id, "loan_id": row.loan_id, "extra_months": row.months, "reason": row.reason,
            **_decision(row), "maturity_before": row.maturity_before.isoformat(),
            "maturity_after": iso(row.maturity_after), "fee": money(row.fee), "fee_voucher_no": row.fee_voucher_no,
            "created_at": row.created_at.isoformat()}


def decided_extension(decided):
    """An extension decided; approved, with the new installment and how many are left."""
    row, rebuilt = decided
    if rebuilt is None:
        return extension(row)
    return {**extension(row), "next_installment": money(rebuilt[0].total), "installments": len(rebuilt)}


def cob_run(run, partitions):
    return {"business_date": run.business_date.isoformat(), "status": run.status, "loans": run.loans,
            "overdue": run.overdue, "events": run.events, "started_by": run.started_by,
            "finished_at": iso(run.finished_at), "partitions": partitions}
