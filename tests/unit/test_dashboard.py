"""驾驶舱 rules: the months a business date compares, the shares of the book at risk to 4 decimals, and how the
gateway picks and merges the services' parts."""
import datetime as dt
from decimal import Decimal

from gateway.routes import dashboard as route
from gateway.rpc import ServiceUnavailable
from services.collection import domain as collection
from services.loan.domain import portfolio


def test_this_month_runs_from_its_first_day_to_the_business_date():
    assert portfolio.this_month(dt.date(2026, 12, 3)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 3))
    assert portfolio.this_month(dt.date(2026, 3, 1)) == (dt.date(2026, 3, 1), dt.date(2026, 3, 1))


def test_last_month_is_the_whole_month_before_across_years_and_february():
    assert portfolio.last_month(dt.date(2026, 1, 15)) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert portfolio.last_month(dt.date(2028, 3, 31)) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))


def test_book_quality_counts_each_loan_past_due_with_its_whole_balance():
    loans = [(0, "100000.00"), (5, "50000.00"), (31, "30000.00"), (91, "20000.00"), (30, "0.01")]
    quality = portfolio.book_quality(loans)
    assert quality["outstanding_principal"] == Decimal("200000.01")
    assert quality["overdue_principal"] == Decimal("100000.01")
    # 100000.01 / 200000.01 = 0.500000025 → 0.5000; 50000.00 / 200000.01 = 0.24999999 → 0.2500 (half up)
    assert (quality["overdue_rate"], quality["par30"], quality["par90"]) == (
        Decimal("0.5000"), Decimal("0.2500"), Decimal("0.1000"))
    assert (quality["par30_principal"], quality["par90_principal"]) == (Decimal("50000.00"), Decimal("20000.00"))


def test_thirty_days_past_due_is_not_yet_par30_and_an_empty_book_has_nothing_at_risk():
    assert portfolio.book_quality([(30, "1000.00")])["par30"] == Decimal("0.0000")
    assert portfolio.book_quality([(31, "1000.00")])["par30"] == Decimal("1.0000")
    empty = portfolio.book_quality([])
    assert (str(empty["overdue_rate"]), str(empty["par90"]), str(empty["outstanding_principal"])) == (
        "0.0000", "0.0000", "0.00")


def test_ratio_rounds_half_up_to_four_decimals():
    assert str(portfolio.ratio(Decimal("1"), Decimal("3"))) == "0.3333"
    assert str(portfolio.ratio(Decimal("0.00005"), Decimal("1"))) == "0.0001"
    assert str(collection.share(Decimal("2"), Decimal("3"))) == "0.6667"
    assert str(collection.share(Decimal("5"), Decimal("0"))) == "0.0000"


def test_the_gateway_asks_only_the_services_whose_figures_the_caller_works_with():
    deployed = ("org", "loan", "collection", "finance")
    assert route.sources({"collection.view", "collection.task.work", "loan.view"}, deployed) == ["collection"]
    assert route.sources({"finance.view", "loan.view"}, deployed) == ["loan"]
    assert route.sources({"loan.apply"}, ("org", "collection")) == []
    assert route.sources({"org.departments.view"}, deployed) == []


def test_a_service_that_did_not_answer_is_named_and_the_others_parts_kept():
    merged = route.merge({"loan": {"as_of": "2026-12-03", "portfolio": {"active_loans": 1}},
                          "collection": ServiceUnavailable("collection", "timeout")})
    assert merged == {"as_of": "2026-12-03", "portfolio": {"active_loans": 1}, "unavailable": ["collection"]}
