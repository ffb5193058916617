"""The rules of correcting records: a department is never moved under itself, a customer's identity number needs
its own permission, a pledged car keeps its VIN and owner, a product in use keeps its terms, and the audit log
shows what changed without showing personal data."""
from decimal import Decimal

from services.collateral.domain import pledged_change_problem
from services.common.audit import changes
from services.customer.domain import foreign_fields, permissions_for
from services.loan.domain.origination import PRODUCT_LIMITS, PRODUCT_TERMS, next_version, repriced_terms
from services.org.domain import PERMISSIONS, move_problem

# HQ ── south ── shenzhen ── futian
#   └── north
TREE = {"hq": None, "south": "hq", "shenzhen": "south", "futian": "shenzhen", "north": "hq"}


def test_a_department_moves_anywhere_but_under_itself_or_its_descendants():
    assert move_problem("shenzhen", "north", TREE) is None
    assert move_problem("shenzhen", None, TREE) is None  # a root of its own
    assert move_problem("futian", "hq", TREE) is None
    assert "its own parent" in move_problem("south", "south", TREE)
    assert "cycle" in move_problem("south", "futian", TREE)
    assert "cycle" in move_problem("hq", "shenzhen", TREE)


def test_a_move_check_ends_even_on_a_tree_that_is_already_broken():
    looped = {"a": "b", "b": "a", "c": None}
    assert move_problem("c", "a", looped) is None


def test_the_identity_correction_permission_is_in_the_catalogue_with_a_chinese_name():
    assert PERMISSIONS["customer.identity.correct"] == "更正客户证件号码"


def test_contact_data_needs_customer_manage_and_the_identity_number_its_own_permission():
    assert permissions_for("person", {"phone": "13800138000", "address": "x"}) == {
        "customer.manage": ["address", "phone"]}
    assert permissions_for("person", {"id_number": "x", "employer": "y"}) == {
        "customer.manage": ["employer"], "customer.identity.correct": ["id_number"]}
    assert permissions_for("enterprise", {"uscc": "x"}) == {"customer.identity.correct": ["uscc"]}
    # a new legal representative is another person, not a corrected identity of the enterprise
    assert permissions_for("enterprise", {"legal_representative_id_number": "x"}) == {
        "customer.manage": ["legal_representative_id_number"]}
    assert permissions_for("person", {}) == {}


def test_a_correction_carries_only_fields_of_its_customer_type():
    assert foreign_fields("person", {"phone": 1, "employer": 2, "id_number": 3}) == []
    assert foreign_fields("person", {"uscc": 1, "legal_representative": 2}) == [
        ("legal_representative", "not a field of a person"), ("uscc", "not a field of a person")]
    assert foreign_fields("enterprise", {"uscc": 1, "accept_uscc_warning": True}) == []
    assert foreign_fields("enterprise", {"monthly_income": 1}) == [("monthly_income", "not a field of an enterprise")]


def test_a_vehicle_keeps_its_vin_and_owner_while_anything_depends_on_it():
    free = {"applications": 0, "loans": 0, "open_tasks": 0}
    assert pledged_change_problem({"vin": "X", "owner_customer_id": "c"}, free) is None
    assert pledged_change_problem({"plate_number": "粤B12345", "mileage_km": 1}, {"loans": 1}) is None
    problem = pledged_change_problem({"vin": "X"}, {"applications": 1, "loans": 0, "open_tasks": 0})
    assert "vin" in problem and "1 loan application(s)" in problem
    problem = pledged_change_problem({"owner_customer_id": "c", "colour": "白色"}, {"open_tasks": 2})
    assert problem.startswith("owner_customer_id cannot change") and "2 open mortgage/GPS task(s)" in problem


def test_a_change_of_a_products_pricing_terms_makes_its_next_version_and_its_limits_change_in_place():
    assert repriced_terms({"annual_rate": Decimal("0.1"), "name": "新名", "upfront_fees": []}) == [
        "annual_rate", "upfront_fees"]
    assert next_version(3, {"annual_rate": Decimal("0.1"), "name": "新名"}) == 4
    limits = {field: 1 for field in PRODUCT_LIMITS}
    assert repriced_terms(limits) == [] and next_version(3, limits) == 3  # name, offer and lending limits
    assert next_version(1, {}) == 1
    assert repriced_terms({field: 1 for field in PRODUCT_TERMS}) == list(PRODUCT_TERMS)


def test_the_audit_shows_each_changed_field_before_and_after_masked_as_the_log_masks():
    before = {"phone": "13812345678", "id_number": "11010519491231002X", "address": "旧地址",
              "monthly_income": Decimal("12000.50"), "uscc": "91350100M000100Y43"}
    after = {"phone": "13987654321", "id_number": "110105194912310029", "address": "旧地址",
             "monthly_income": Decimal("15000.00"), "uscc": "91350100M000100Y43"}
    assert changes(before, after) == {
        "phone": {"from": "138****5678", "to": "139****4321"},
        "id_number": {"from": "110***********002X", "to": "110***********0029"},
        "monthly_income": {"from": "12000.50", "to": "15000.00"},
    }
    assert changes({"password": "old"}, {"password": "new"}) == {"password": {"from": "***", "to": "***"}}
    assert changes({"address": None}, {"address": "新地址"}) == {"address": {"from": None, "to": "新地址"}}
