"""The events the loan service publishes (`loan.<type>`), each built by one function here: what a consumer may read
in a payload is decided in this file and nowhere else. Each builder returns `(type, payload)`; the service emits it
with the business date it belongs to (`uow.emit(*events.settled(loan, day), business_date=day)`).

Consumers load these payloads through schemas of their own; tests/unit/test_event_contracts.py loads every
builder's output through every consumer's schema for that event, so a renamed or dropped field fails a test."""
import json
from decimal import Decimal

from services.common.jsonutil import iso, money, rate


PARTS = ("principal", "interest", "penalty", "fees", "advance")  # what an allocation's figures are


def _allocation(summary, leave_out=()):
    return {part: money(Decimal(value)) for part, value in summary.items() if part in PARTS and
            part not in leave_out}


# -- origination ---------------------------------------------------------------------------------------
def application_submitted(application):
    return "application_submitted", {
        "application_id": application.id, "customer_id": application.customer_id,
        "product_id": application.product_id, "vehicle_id": application.vehicle_id,
        "amount": money(application.amount), "term_months": application.term_months,
        "department_id": application.department_id, "officer_id": application.officer_id}


def application_decided(application, decided_by, level, comment):
    """`application_approved`, or `application_rejected` with the comment; None while a second decision waits."""
    facts = {"application_id": application.id, "customer_id": application.customer_id,
             "amount": money(application.amount), "decided_by": decided_by, "level": level}
    if application.status == "rejected":
        return "application_rejected", {**facts, "comment": comment}
    if application.status == "approved":
        return "application_approved", facts
    return None


def signed(loan, application_id, signed_on):
    return "signed", {"loan_id": loan.id, "contract_no": loan.contract_no, "application_id": application_id,
                      "customer_id": loan.customer_id, "principal": money(loan.principal),
                      "signed_on": signed_on.isoformat()}


def disbursed(loan, disbursement, schedule):
    return "disbursed", {
        "loan_id": loan.id, "contract_no": loan.contract_no, "application_id": loan.application_id,
        "customer_id": loan.customer_id, "customer_name": loan.customer_name, "vehicle_id": loan.vehicle_id,
        "department_id": loan.department_id, "payee_name": disbursement.payee_name,
        "officer_id": loan.officer_id, "product_id": loan.product_id, "credit_line_id": loan.credit_line_id,
        "principal": money(loan.principal), "net_amount": money(disbursement.amount),
        "fees": json.loads(loan.fees), "fees_total": money(loan.fees_total),
        "annual_rate": rate(loan.annual_rate), "apr": rate(loan.apr, "0.0001"),
        "repayment_method": loan.repayment_method, "term_months": loan.term_months,
        "disbursed_on": disbursement.disbursed_on.isoformat(), "disbursement_id": disbursement.id,
        "voucher_no": disbursement.voucher_no,
        "schedule": {"installments": len(schedule.installments), "first_due_date": iso(schedule.first_due_date),
                     "maturity_date": iso(schedule.maturity_date),
                     "first_installment": money(schedule.installments[0].total),
                     "total_interest": money(schedule.total_interest),
                     "total_payment": money(schedule.total_payment)},
    }


# -- servicing ------------------------------------------------------------------------------------------
def repayment_received(loan, repayment, summary):
    return "repayment_received", {
        "loan_id": loan.id, "repayment_id": repayment.id, "customer_id": loan.customer_id,
        "contract_no": loan.contract_no, "amount": money(repayment.amount), "paid_on": repayment.paid_on.isoformat(),
        "channel": repayment.channel, "payer_name": repayment.payer_name, "voucher_no": repayment.voucher_no,
        "allocation": _allocation(summary), "outstanding_principal": money(loan.outstanding_principal)}


def advance_applied(loan, repayment, summary, applied_on):
    return "advance_applied", {
        "loan_id": loan.id, "repayment_id": repayment.id, "customer_id": loan.customer_id,
        "contract_no": loan.contract_no, "amount": money(repayment.amount), "applied_on": applied_on.isoformat(),
        "allocation": _allocation(summary, leave_out=("advance",)),
        "advance_balance": money(loan.advance_balance),
        "outstanding_principal": money(loan.outstanding_principal)}


def repayment_reversed(loan, repayment, reversal, allocation):
    return "repayment_reversed", {
        "loan_id": loan.id, "repayment_id": repayment.id, "reversal_id": reversal.id,
        "customer_id": loan.customer_id, "contract_no": loan.contract_no, "department_id": loan.department_id,
        "amount": money(repayment.amount), "paid_on": repayment.paid_on.isoformat(),
        "reversed_on": reversal.reversed_on.isoformat(), "channel": repayment.channel,
        "payer_name": repayment.payer_name, "voucher_no": repayment.voucher_no,
        "allocation": _allocation(allocation, leave_out=("lines",)),
        "repayment_event_id": repayment.event_id, "reason": reversal.reason,
        "outstanding_principal": money(loan.outstanding_principal),
        "advance_balance": money(loan.advance_balance)}


def penalty_adjusted(loan, repayment, adjustment, adjusted_on):
    """罚息调整: a repayment recorded late (`paid_on` before dates already closed) had the penalty accrued since its
    date recomputed: `penalty_reduced` off what the loan owed or had paid; `refunded`, penalty already received
    beyond it, went (`reallocation`) to what the loan owes now, by the product's order, or to the advance."""
    return "penalty_adjusted", {
        "loan_id": loan.id, "repayment_id": repayment.id, "customer_id": loan.customer_id,
        "contract_no": loan.contract_no, "department_id": loan.department_id,
        "paid_on": repayment.paid_on.isoformat(), "adjusted_on": adjusted_on.isoformat(),
        "penalty_reduced": money(Decimal(adjustment["penalty_reduced"])),
        "refunded": money(Decimal(adjustment["refunded"])),
        "reallocation": _allocation(adjustment),
        "outstanding_principal": money(loan.outstanding_principal), "advance_balance": money(loan.advance_balance)}


def penalty_adjustment_reversed(loan, repayment, reversal, adjustment_event_id):
    """The late repayment whose recomputation handed penalty back is reversed: so is that adjustment."""
    return "penalty_adjustment_reversed", {
        "loan_id": loan.id, "repayment_id": repayment.id, "reversal_id": reversal.id,
        "contract_no": loan.contract_no, "adjustment_event_id": adjustment_event_id,
        "reversed_on": reversal.reversed_on.isoformat(), "reason": reversal.reason}


def prepaid(loan, record):
    return "prepaid", {
        "loan_id": loan.id, "customer_id": loan.customer_id, "contract_no": loan.contract_no,
        "prepayment_id": record.id, "full": record.full, "mode": record.mode, "paid_on": record.paid_on.isoformat(),
        "amount": money(record.amount), "principal": money(record.principal), "interest": money(record.interest),
        "fee": money(record.fee), "advance_used": money(record.advance_used),
        "outstanding_principal": money(loan.outstanding_principal), "payer_name": loan.customer_name,
        "maturity_date": iso(loan.maturity_date)}


def settled(loan, settled_on):
    """The loan is paid off (by a repayment or early): collateral opens the release and GPS removal tasks."""
    return "settled", {"loan_id": loan.id, "customer_id": loan.customer_id, "contract_no": loan.contract_no,
                       "vehicle_id": loan.vehicle_id, "settled_on": settled_on.isoformat()}


def transferred(loan, transfer):
    return "transferred", {
        "loan_id": loan.id, "contract_no": loan.contract_no, "supplement_no": transfer.supplement_no,
        "customer_id": transfer.to_customer_id, "customer_name": transfer.to_customer_name,
        "previous_customer_id": transfer.from_customer_id, "vehicle_id": loan.vehicle_id,
        "department_id": loan.department_id, "outstanding_principal": money(loan.outstanding_principal)}


def extended(loan, extension, rebuilt, extended_on):
    """展期 approved: the schedule from `rebuilt` (its lines not yet due), and the fee received `extended_on`, which
    finance posts (Dr 1002 / Cr 6021) beside the new maturity in its balances ledger."""
    return "extended", {
        "loan_id": loan.id, "extension_id": extension.id, "customer_id": loan.customer_id,
        "contract_no": loan.contract_no, "department_id": loan.department_id, "extra_months": extension.months,
        "extended_months": loan.extended_months, "maturity_before": extension.maturity_before.isoformat(),
        "maturity_date": loan.maturity_date.isoformat(), "restructured": True,
        "outstanding_principal": money(loan.outstanding_principal), "next_installment": money(rebuilt[0].total),
        "installments_left": len(rebuilt), "extended_on": extended_on.isoformat(), "fee": money(extension.fee),
        "voucher_no": extension.fee_voucher_no, "payer_name": loan.customer_name}


# -- close of business ------------------------------------------------------------------------------------
def loan_facts(loan):
    """What the DPD events say of a loan, from its row (the set-based close reads the same keys from SQL)."""
    return {"id": loan.id, "customer_id": loan.customer_id, "department_id": loan.department_id,
            "officer_id": loan.officer_id, "contract_no": loan.contract_no,
            "outstanding_principal": loan.outstanding_principal, "grace_days": loan.grace_days,
            "next_due_date": loan.next_due_date}


def dpd_events(loan, previous, dpd, day):
    """The events a change of DPD publishes: `dpd_changed`, and `became_overdue` (from 0) or `became_current`
    (to 0). `loan` is `loan_facts(...)`; `day` is the business date closed."""
    facts = {"loan_id": loan["id"], "customer_id": loan["customer_id"], "department_id": loan["department_id"],
             "officer_id": loan["officer_id"], "contract_no": loan["contract_no"]}
    oldest = loan["next_due_date"]
    events = [("dpd_changed", {**facts, "dpd": dpd, "previous_dpd": previous, "grace_days": loan["grace_days"],
                               "oldest_unpaid_due_date": oldest.isoformat() if dpd and oldest else None,
                               "outstanding_principal": money(loan["outstanding_principal"])})]
    if previous == 0:
        events.append(("became_overdue", {**facts, "dpd": dpd}))
    elif dpd == 0:
        events.append(("became_current", facts))
    return events
