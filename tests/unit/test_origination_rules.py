"""Origination rules (docs/rules.md, "Origination" 贷前): product checks, fees, application refusals, credit lines,
approval levels, segregation of duties, the interest cap, contract numbers and disbursement."""
import datetime as dt
from decimal import Decimal as D

import pytest

from services.loan.domain import origination as rules
from services.common.refusal import Refused

TODAY = dt.date(2026, 11, 28)
PRODUCT = {"active": True, "min_amount": D("10000.00"), "max_amount": D("500000.00"), "min_term_months": 12,
           "max_term_months": 36}


def code_of(call, *args):
    with pytest.raises(Refused) as refused:
        call(*args)
    return refused.value.code


def test_fees_fixed_and_by_rate():
    fees = [rules.Fee("GPS费", amount=D("1500.00")), rules.Fee("服务费", rate=D("0.01"))]
    charged, total = rules.fees_on(fees, D("123456.78"))
    assert charged == [("GPS费", D("1500.00")), ("服务费", D("1234.57"))] and total == D("2734.57")


def test_product_problems():
    good = {"repayment_method": "flat", "allocation": "type_first", "min_term_months": 12, "max_term_months": 36,
            "min_amount": D("1000"), "max_amount": D("2000"), "upfront_fees": []}
    assert rules.product_problems(good) == []
    bad = {**good, "min_term_months": 48, "min_amount": D("3000"), "repayment_method": "balloon",
           "upfront_fees": [rules.Fee("x", amount=D("1"), rate=D("0.1"))]}
    assert {field for field, _ in rules.product_problems(bad)} == {
        "repayment_method", "min_term_months", "min_amount", "upfront_fees.0"}
    assert rules.product_problems({**good, "repayment_method": "bullet"})[0][0] == "max_term_months"


@pytest.mark.parametrize("amount, term, code", [
    (D("9999.99"), 24, "AMOUNT_OUT_OF_RANGE"), (D("500000.01"), 24, "AMOUNT_OUT_OF_RANGE"),
    (D("50000"), 11, "TERM_OUT_OF_RANGE"), (D("50000"), 37, "TERM_OUT_OF_RANGE"),
])
def test_product_limits(amount, term, code):
    assert code_of(rules.check_product_limits, PRODUCT, amount, term) == code
    rules.check_product_limits(PRODUCT, D("10000.00"), 12)  # the bounds themselves are inside
    assert code_of(rules.check_product_limits, {**PRODUCT, "active": False}, D("50000"), 24) == "PRODUCT_INACTIVE"


def lending(owner="c-1", value="100000.00"):
    return {"vehicle": {"owner_customer_id": owner},
            "valuation": value and {"appraised_value": value}}


def test_ltv_valuation_and_ownership():
    rules.check_collateral(D("80000.00"), "c-1", lending(), D("0.80"))  # exactly 80 % is allowed
    with pytest.raises(Refused) as over:
        rules.check_collateral(D("80000.01"), "c-1", lending(), D("0.80"))
    assert over.value.code == "LTV_EXCEEDED" and over.value.extra["max_amount"] == "80000.00"
    assert code_of(rules.check_collateral, D("1"), "c-1", lending(value=None), D("0.8")) == "VALUATION_NOT_CURRENT"
    assert code_of(rules.check_collateral, D("1"), "c-2", lending(), D("0.8")) == "VEHICLE_NOT_OWNED"


def test_available_credit_revolving_or_not():
    # non-revolving: what was ever drawn is gone; revolving: only what is still outstanding counts
    assert rules.available_credit(D("100000"), False, held=D("10000"), drawn=D("50000"),
                                  outstanding_principal=D("20000")) == D("40000")
    assert rules.available_credit(D("100000"), True, held=D("10000"), drawn=D("50000"),
                                  outstanding_principal=D("20000")) == D("70000")


def test_credit_line_checks():
    line = {"customer_id": "c-1", "status": "approved", "expires_on": TODAY}
    rules.check_credit_line(line, "c-1", D("100"), TODAY, D("100"))
    assert code_of(rules.check_credit_line, line, "c-1", D("100.01"), TODAY, D("100")) == "CREDIT_LINE_INSUFFICIENT"
    assert code_of(rules.check_credit_line, line, "c-2", D("1"), TODAY, D("100")) == "CREDIT_LINE_INVALID"
    assert code_of(rules.check_credit_line, {**line, "status": "pending"}, "c-1", D("1"), TODAY,
                   D("100")) == "CREDIT_LINE_INVALID"
    assert code_of(rules.check_credit_line, line, "c-1", D("1"), TODAY + dt.timedelta(days=1),
                   D("100")) == "CREDIT_LINE_EXPIRED"


def test_investigation_by_someone_else_when_required():
    application = {"status": "submitted", "officer_id": "officer"}
    assert code_of(rules.check_investigator, application, "officer", True) == "SEGREGATION_OF_DUTIES"
    rules.check_investigator(application, "officer", False)
    rules.check_investigator(application, "reviewer", True)
    assert code_of(rules.check_investigator, {**application, "status": "approved"}, "r", True) == "APPLICATION_STATE"


def test_decision_levels_and_who_may_decide():
    application = {"officer_id": "o", "investigated_by": "i", "first_decision_by": "r1"}
    assert rules.decision_level("investigated") == 1 and rules.decision_level("pending_second_approval") == 2
    assert code_of(rules.decision_level, "submitted") == "APPLICATION_STATE"
    assert code_of(rules.decision_level, "rejected") == "APPLICATION_STATE"
    for person in ("o", "i"):
        assert code_of(rules.check_decider, application, person, 1) == "SEGREGATION_OF_DUTIES"
    assert code_of(rules.check_decider, application, "r1", 2) == "SEGREGATION_OF_DUTIES"
    rules.check_decider(application, "r2", 2)


def test_status_after_decision_by_threshold():
    threshold = D("300000.00")
    assert rules.status_after_decision(1, True, D("300000.00"), threshold) == "approved"
    assert rules.status_after_decision(1, True, D("300000.01"), threshold) == "pending_second_approval"
    assert rules.status_after_decision(2, True, D("900000"), threshold) == "approved"
    assert rules.status_after_decision(1, False, D("1"), threshold) == "rejected"
    assert rules.status_after_decision(2, False, D("900000"), threshold) == "rejected"


def test_interest_cap_is_four_times_the_one_year_lpr():
    rules.check_interest_cap(D("0.1200"), D("0.030000"), exempt=False, overridden=False)
    with pytest.raises(Refused) as over:
        rules.check_interest_cap(D("0.1201"), D("0.030000"), exempt=False, overridden=False)
    assert over.value.code == "INTEREST_CAP_EXCEEDED" and over.value.extra["cap"] == "0.120000"
    rules.check_interest_cap(D("0.30"), D("0.03"), exempt=True, overridden=False)
    rules.check_interest_cap(D("0.30"), D("0.03"), exempt=False, overridden=True)
    assert code_of(rules.check_interest_cap, D("0.1"), None, False, False) == "LPR_MISSING"


def test_contract_numbers_and_disbursement():
    assert rules.contract_no(dt.date(2026, 11, 28), 7) == "CL20261128-0007"
    rules.check_disbursement_amount(D("147000.00"), D("150000.00"), D("3000.00"))
    with pytest.raises(Refused) as wrong:
        rules.check_disbursement_amount(D("150000.00"), D("150000.00"), D("3000.00"))
    assert wrong.value.extra["expected"] == "147000.00"
    assert code_of(rules.check_disbursement_reviewer, "clerk", "clerk") == "SEGREGATION_OF_DUTIES"
    assert rules.mask_account("6222020200112233445") == "6222***********3445"
