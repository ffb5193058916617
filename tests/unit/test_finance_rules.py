"""Accounting rules (docs/rules.md, "Accounting"): balanced entries from loan events, reversals, provisions,
buckets."""
from decimal import Decimal as D

import pytest

from services.finance import domain


def sides(entry):
    return {(line.account, line.debit, line.credit) for line in entry.lines}


def test_disbursement_posts_principal_net_cash_and_fees():
    entry = domain.disbursement(D("150000.00"), D("147000.00"), D("3000.00"))
    assert sides(entry) == {("1301", D("150000.00"), D("0")), ("1002", D("0"), D("147000.00")),
                            ("6021", D("0"), D("3000.00"))}
    assert entry.cash == (("out", D("147000.00")),)
    without_fees = domain.disbursement(D("1000"), D("1000"), D("0"))
    assert {line.account for line in without_fees.lines} == {"1301", "1002"}  # no zero lines


def test_repayment_posts_as_allocated_and_keeps_the_rest_as_an_advance():
    entry = domain.repayment(D("5000.00"), principal=D("3800.00"), interest=D("900.00"), penalty=D("12.34"),
                             fees=D("0"), advance=D("287.66"))
    assert sides(entry) == {("1002", D("5000.00"), D("0")), ("1301", D("0"), D("3800.00")),
                            ("6011", D("0"), D("900.00")), ("6012", D("0"), D("12.34")),
                            ("2241", D("0"), D("287.66"))}
    assert entry.cash == (("in", D("5000.00")),)


def test_prepayment_credits_principal_interest_and_the_fee():
    entry = domain.prepayment(D("102100.00"), D("100000.00"), D("100.00"), D("2000.00"))
    assert sides(entry) == {("1002", D("102100.00"), D("0")), ("1301", D("0"), D("100000.00")),
                            ("6011", D("0"), D("100.00")), ("6021", D("0"), D("2000.00"))}


@pytest.mark.parametrize("amount, allocation", [
    (D("100.00"), {"principal": D("99.99")}),  # a fen short
    (D("100.00"), {"principal": D("100.01")}),
    (D("0"), {}),  # moves nothing
])
def test_an_unbalanced_or_empty_entry_is_refused(amount, allocation):
    with pytest.raises(domain.Unbalanced):
        domain.repayment(amount, **allocation)


def test_fractional_fen_and_negative_lines_are_refused():
    with pytest.raises(domain.Unbalanced):
        domain.balanced("x", [domain.Line("1002", debit=D("1.005")), domain.Line("1301", credit=D("1.005"))])
    with pytest.raises(domain.Unbalanced):
        domain.balanced("x", [domain.Line("1002", debit=D("-1")), domain.Line("1301", credit=D("-1"))])


def test_a_reversal_swaps_every_line_and_the_cash_direction():
    entry = domain.disbursement(D("1000.00"), D("980.00"), D("20.00"))
    reversal = domain.reversal(entry.memo, entry.lines, entry.cash)
    assert sides(reversal) == {(a, c, d) for a, d, c in sides(entry)}
    assert reversal.cash == (("in", D("980.00")),) and reversal.memo.startswith("冲销")


def test_provision_change_books_only_the_difference_either_way():
    up = domain.provision_change(D("1000.00"), D("25000.00"))
    assert sides(up) == {("6701", D("24000.00"), D("0")), ("1304", D("0"), D("24000.00"))}
    down = domain.provision_change(D("25000.00"), D("2000.00"))
    assert sides(down) == {("1304", D("23000.00"), D("0")), ("6701", D("0"), D("23000.00"))}
    assert domain.provision_change(D("5.00"), D("5.00")) is None


def test_required_provision_by_grade():
    assert domain.required_provision(D("100000.00"), "normal") == D("1000.00")
    assert domain.required_provision(D("100000.00"), "special_mention") == D("2000.00")
    assert domain.required_provision(D("100000.00"), "substandard") == D("25000.00")
    assert domain.required_provision(D("100000.00"), "doubtful") == D("50000.00")
    assert domain.required_provision(D("100000.00"), "loss") == D("100000.00")
    assert domain.required_provision(D("333.33"), "normal") == D("3.33")


def test_balances_buckets_and_par30():
    assert domain.account_balance("debit", D("100"), D("30")) == D("70")
    assert domain.account_balance("credit", D("100"), D("30")) == D("-70")
    assert [domain.dpd_bucket(d) for d in (0, 1, 30, 31, 90, 91, 181)] == [
        "current", "M1 (1-30)", "M1 (1-30)", "M2 (31-60)", "M3 (61-90)", "M4-M6 (91-180)", "M6+ (>180)"]
    assert domain.par([(0, D("600")), (30, D("100")), (31, D("200")), (200, D("100"))]) == D("0.3000")
    assert domain.par([]) == D("0.0000")
