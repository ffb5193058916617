"""我的待办: how items read, and how the gateway picks the services to ask and merges their answers."""
from decimal import Decimal

from gateway.routes.inbox import merge, sources
from gateway.rpc import ServiceUnavailable
from services.common.errors import Unavailable
from services.common.inbox import limit_of, title, yuan
from services.org.domain import BUILTIN_ROLES

ROLES = {role.code: role for role in BUILTIN_ROLES}
ALL = ("org", "customer", "collateral", "loan", "finance", "collection")


def test_amounts_in_titles_read_as_staff_write_them():
    assert yuan(Decimal("128000")) == "¥128,000.00"
    assert yuan("1234567.895") == "¥1,234,567.90"
    assert yuan(Decimal("0.5")) == "¥0.50"
    assert title("估值待复核", "浙A12345", yuan("128000.00")) == "估值待复核 · 浙A12345 · ¥128,000.00"
    assert title("GPS待安装", None, "", "粤B12345") == "GPS待安装 · 粤B12345"


def test_at_most_a_hundred_items_of_a_kind():
    assert (limit_of(None), limit_of(0), limit_of(5), limit_of(1000)) == (20, 20, 5, 100)


def test_only_the_services_keeping_work_for_the_employees_permissions_are_asked():
    assert sources(ROLES["appraiser"].permissions, ALL) == ["collateral"]
    assert sources(ROLES["loan_officer"].permissions, ALL) == []
    assert sources(ROLES["risk_reviewer"].permissions, ALL) == ["loan"]
    assert sources(ROLES["post_loan_manager"].permissions, ALL) == ["collection"]
    assert sources(ROLES["admin"].permissions, ALL) == ["collateral", "loan", "collection"]
    assert sources(ROLES["admin"].permissions, ("org", "loan")) == ["loan"]  # not deployed: not asked


def test_the_inbox_merges_oldest_first_and_names_a_service_that_did_not_answer():
    loan = {"items": [{"kind": "application_decision", "created_at": "2026-12-02T08:00:00+00:00"}],
            "counts": {"application_decision": 3, "disbursement_review": 0}}
    collateral = {"items": [{"kind": "valuation_review", "created_at": "2026-12-01T08:00:00+00:00"},
                            {"kind": "gps_install", "created_at": "2026-12-03T08:00:00.5+00:00"}],
                  "counts": {"valuation_review": 1, "gps_install": 1}}
    inbox = merge({"loan": loan, "collateral": collateral, "collection": ServiceUnavailable("collection", "timed out")},
                  20)
    assert [item["kind"] for item in inbox["items"]] == ["valuation_review", "application_decision", "gps_install"]
    assert inbox["counts"] == {"application_decision": 3, "disbursement_review": 0, "valuation_review": 1,
                               "gps_install": 1}
    assert inbox["total"] == 5 and inbox["unavailable"] == ["collection"] and inbox["limit"] == 20
    assert merge({"loan": Unavailable("busy")}, 5)["unavailable"] == ["loan"]
    assert merge({}, 5) == {"items": [], "counts": {}, "total": 0, "limit": 5, "unavailable": []}
