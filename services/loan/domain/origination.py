"""贷前 Origination rules: products and their fees, the checks an application must pass, credit lines,
approval levels, the interest cap, contract numbers and disbursement. Plain Python, no framework imports."""
import json
from dataclasses import dataclass
from decimal import Decimal

from services.common.refusal import Refused
from services.common.segregation import refuse_maker
from services.loan.contract import APPLICATION_STATUSES, LOAN_STATUSES  # noqa: F401  (re-exported)
from services.loan.domain.schedule import METHODS, ZERO, build, fen

ALLOCATIONS = {"installment_first": "按期冲账 (oldest installment first)",
               "type_first": "按类型冲账 (penalty, then interest, then principal)"}
DEFAULT_MAX_LTV = Decimal("0.80")
DEFAULT_PENALTY_MARKUP = Decimal("0.50")
DEFAULT_SECOND_APPROVAL_THRESHOLD = Decimal("300000.00")
LIVE_APPLICATION = ("submitted", "investigated", "pending_second_approval", "approved")  # being decided
LIVE_LOAN = ("signed", "active")  # the vehicle is pledged to it
INTEREST_CAP_MULTIPLE = Decimal("4")  # 法释〔2020〕17号 art. 25: 4 × the one-year LPR



# -- products --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fee:
    """An upfront fee deducted from the disbursement: a fixed amount or a rate of the principal."""
    name: str
    amount: Decimal | None = None
    rate: Decimal | None = None

    def on(self, principal):
        return self.amount if self.amount is not None else fen(principal * self.rate)


def fees_on(fees, principal):
    """Each fee's amount on this principal, and their total (what is deducted from the disbursement)."""
    charged = [(fee.name, fee.on(principal)) for fee in fees]
    return charged, sum((amount for _, amount in charged), ZERO)


def product_problems(p):
    """Inconsistencies in a product's terms, as (field, message) pairs."""
    problems = []
    if p["repayment_method"] not in METHODS:
        problems.append(("repayment_method", f"one of {', '.join(METHODS)}"))
    if p["allocation"] not in ALLOCATIONS:
        problems.append(("allocation", f"one of {', '.join(ALLOCATIONS)}"))
    if p["min_term_months"] > p["max_term_months"]:
        problems.append(("min_term_months", "cannot exceed max_term_months"))
    if p["min_amount"] > p["max_amount"]:
        problems.append(("min_amount", "cannot exceed max_amount"))
    if p["repayment_method"] == "bullet" and p["max_term_months"] > 12:
        problems.append(("max_term_months", "一次性还本付息 loans run at most 12 months"))
    fees_given = True
    for index, fee in enumerate(p.get("upfront_fees") or ()):
        if (fee.amount is None) == (fee.rate is None):
            problems.append((f"upfront_fees.{index}", "give either amount or rate"))
            fees_given = False
    if p.get("upfront_fees") and fees_given:  # a fee with neither cannot be charged, let alone summed
        _, most = fees_on(p["upfront_fees"], p["min_amount"])
        if most >= p["min_amount"]:
            problems.append(("upfront_fees", "the fees would swallow the smallest loan"))
    return problems


# The product fields a loan is priced by (产品版本, docs/rules.md "Products change by versions"). Changing any of them
# makes the product's next version, which new applications are priced by; an application keeps the version it was
# made on and its contract copies that version's terms at signing, so no application or loan is repriced. Its name,
# whether it is still offered and its lending limits (checked at submission only) change in place at any time.
PRODUCT_LIMITS = ("name", "active", "min_term_months", "max_term_months", "min_amount", "max_amount", "max_ltv")
PRODUCT_TERMS = ("repayment_method", "annual_rate", "penalty_markup", "grace_days", "prepayment_fee_rate",
                 "prepayment_fee_free_after_months", "allocation", "compound_penalty", "upfront_fees")


def repriced_terms(changed):
    """The changed fields that make a new version of the product (its pricing terms), in PRODUCT_TERMS order."""
    return [field for field in PRODUCT_TERMS if field in changed]


def next_version(version, changed):
    """The version a product is at after a correction changing `changed`: the next one if it reprices it."""
    return version + 1 if repriced_terms(changed) else version


def product_fees(product):
    """A product's upfront fees as `Fee`, from the JSON it keeps them in."""
    return [Fee(f["name"], f["amount"] and Decimal(f["amount"]), f["rate"] and Decimal(f["rate"]))
            for f in json.loads(product.upfront_fees)]


def apr_range(product, fees, today):
    """The lowest and highest APR a product gives: at its amount and term limits, its fees deducted."""
    corners = [(amount, term) for amount in (product.min_amount, product.max_amount)
               for term in {product.min_term_months, product.max_term_months}]
    aprs = [build(amount, product.annual_rate, term, product.repayment_method, today,
                  upfront_fee=fees_on(fees, amount)[1]).apr for amount, term in corners]
    return min(aprs), max(aprs)


def product_terms(product):
    """What `check_product_limits` reads of a product."""
    return {"active": product.active, "min_amount": product.min_amount, "max_amount": product.max_amount,
            "min_term_months": product.min_term_months, "max_term_months": product.max_term_months}


# -- applications ----------------------------------------------------------------------------------
def application_facts(application):
    """What the investigator and decider checks read of an application."""
    return {"status": application.status, "officer_id": application.officer_id,
            "investigated_by": application.investigated_by, "first_decision_by": application.first_decision_by}


def check_product_limits(product, amount, term_months):
    if not product["active"]:
        raise Refused("PRODUCT_INACTIVE", "this product is no longer offered", "product_id")
    if not product["min_amount"] <= amount <= product["max_amount"]:
        raise Refused("AMOUNT_OUT_OF_RANGE", f"the product lends {product['min_amount']} to "
                      f"{product['max_amount']}", "amount", min_amount=str(product["min_amount"]),
                      max_amount=str(product["max_amount"]))
    if not product["min_term_months"] <= term_months <= product["max_term_months"]:
        raise Refused("TERM_OUT_OF_RANGE", f"the product runs {product['min_term_months']} to "
                      f"{product['max_term_months']} months", "term_months",
                      min_term_months=product["min_term_months"], max_term_months=product["max_term_months"])


def check_collateral(amount, customer_id, lending_value, max_ltv):
    """The vehicle is the borrower's and carries a current approved valuation that covers amount / max LTV."""
    vehicle, valuation = lending_value["vehicle"], lending_value["valuation"]
    if vehicle["owner_customer_id"] != customer_id:
        raise Refused("VEHICLE_NOT_OWNED", "the vehicle must be registered to the applicant", "vehicle_id")
    if valuation is None:
        raise Refused("VALUATION_NOT_CURRENT", "the vehicle has no approved valuation from the last 90 days; "
                      "have it valued and reviewed first", "vehicle_id")
    ceiling = Decimal(valuation["appraised_value"]) * max_ltv
    if amount > ceiling:
        raise Refused("LTV_EXCEEDED", f"at most {fen(ceiling)} can be lent on a car valued "
                      f"{valuation['appraised_value']} (max LTV {max_ltv})", "amount", max_amount=str(fen(ceiling)),
                      appraised_value=str(valuation["appraised_value"]), max_ltv=str(max_ltv))


def available_credit(limit, revolving, held, drawn, outstanding_principal):
    """授信可用额度: limit − outstanding principal (revolving) or − total drawn (non-revolving), less what
    pending applications already hold."""
    used = outstanding_principal if revolving else drawn
    return limit - used - held


def check_credit_line_decider(requested_by, actor_id):
    refuse_maker(requested_by, actor_id, "a credit line is approved by someone other than who requested it",
                 reason="credit_line")


def check_credit_line(line, customer_id, amount, today, available):
    if line["customer_id"] != customer_id:
        raise Refused("CREDIT_LINE_INVALID", "this credit line belongs to another customer", "credit_line_id",
                      reason="other_customer")
    if line["status"] != "approved":
        raise Refused("CREDIT_LINE_INVALID", f"this credit line is {line['status']}", "credit_line_id",
                      reason="status", status=line["status"])
    if line["expires_on"] < today:
        raise Refused("CREDIT_LINE_EXPIRED", f"this credit line expired on {line['expires_on']}", "credit_line_id",
                      expires_on=str(line["expires_on"]))
    if amount > available:
        raise Refused("CREDIT_LINE_INSUFFICIENT", f"only {available} is available on this credit line", "amount",
                      available=str(available))


# -- investigation and approval --------------------------------------------------------------------
def check_investigator(application, actor_id, must_differ):
    if application["status"] != "submitted":
        raise Refused("APPLICATION_STATE", f"the application is {application['status']}, not submitted",
                      kind="conflict", reason="not_submitted", status=application["status"])
    if must_differ:
        refuse_maker(application["officer_id"], actor_id, "the investigation is done by someone other than the "
                     "officer who submitted the application", reason="investigator")


def decision_level(status):
    """Which decision an application waits for: 1 (risk reviewer) or 2 (approver)."""
    if status == "investigated":
        return 1
    if status == "pending_second_approval":
        return 2
    if status == "submitted":
        raise Refused("APPLICATION_STATE", f"the application is {status}; it needs an investigation first",
                      kind="conflict", reason="not_investigated", status=status)
    raise Refused("APPLICATION_STATE", f"the application is {status}; nothing to decide", kind="conflict",
                  reason="nothing_to_decide", status=status)


def check_decider(application, actor_id, level):
    """Nobody decides on what they submitted or investigated, and the second decision is another person's."""
    refuse_maker((application["officer_id"], application["investigated_by"]), actor_id,
                 "nobody decides on an application they submitted or investigated", reason="decider")
    if level == 2:
        refuse_maker(application["first_decision_by"], actor_id, "the second-level decision is made by another "
                     "person", reason="second_decider")


def status_after_decision(level, approve, amount, threshold):
    if not approve:
        return "rejected"
    if level == 1 and amount > threshold:
        return "pending_second_approval"
    return "approved"


# -- interest cap ----------------------------------------------------------------------------------
def interest_cap(lpr_one_year):
    return lpr_one_year * INTEREST_CAP_MULTIPLE


def check_interest_cap(apr, lpr_one_year, exempt, overridden):
    """APR above 4 × LPR is refused unless the lender is exempt or an approver overrode it with a reason."""
    if exempt or overridden:
        return
    if lpr_one_year is None:
        raise Refused("LPR_MISSING", "no one-year LPR is recorded for the signing date; an administrator adds it")
    cap = interest_cap(lpr_one_year)
    if apr > cap:
        raise Refused("INTEREST_CAP_EXCEEDED", f"the APR {apr} exceeds 4 × the one-year LPR ({cap}); an approver "
                      "must override it with a reason", "annual_rate", apr=str(apr), cap=str(cap))


# -- contract and disbursement ---------------------------------------------------------------------
def contract_no(signed_on, sequence):
    """合同编号: CL + signing date + the day's sequence, e.g. CL20261128-0001."""
    return f"CL{signed_on:%Y%m%d}-{sequence:04d}"


def check_disbursement_amount(amount, principal, deducted):
    expected = principal - deducted
    if amount != expected:
        raise Refused("DISBURSEMENT_AMOUNT_MISMATCH", f"the amount paid out is the principal {principal} less "
                      f"deducted fees {deducted}: {expected}", "amount", expected=str(expected),
                      principal=str(principal), deducted=str(deducted))


def check_disbursement_reviewer(registered_by, reviewer_id):
    refuse_maker(registered_by, reviewer_id, "the disbursement is reviewed by someone other than who registered it",
                 reason="disbursement_reviewer")


def mask_account(account):
    """Bank account as staff see it: the first 4 and last 4 digits (6222 **** 1234 style)."""
    if not account or len(account) <= 8:
        return "*" * len(account or "")
    return account[:4] + "*" * (len(account) - 8) + account[-4:]
