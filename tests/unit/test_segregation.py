"""Maker ≠ checker: one helper (services/common/segregation.py) refuses the maker for every review, and no module
raises a maker-checker refusal of its own."""
import ast
from pathlib import Path

import pytest

from services.common.errors import Forbidden, from_refusal
from services.common.refusal import Refused
from services.common.segregation import refuse_maker

ROOT = Path(__file__).resolve().parents[2]
MAKER_CHECKER_CODES = {"SEGREGATION_OF_DUTIES", "SELF_REVIEW"}
RAISING = {"Refused", "Forbidden", "Conflict", "RuleViolated", "DomainError"}


def test_the_maker_is_refused_with_the_reviews_code_and_reason_and_anyone_else_passes():
    with pytest.raises(Refused) as own:
        refuse_maker("u-1", "u-1", "not you", reason="disbursement_reviewer")
    assert (own.value.code, own.value.kind, own.value.extra) == (
        "SEGREGATION_OF_DUTIES", "forbidden", {"reason": "disbursement_reviewer"})
    error = from_refusal(own.value)
    assert isinstance(error, Forbidden) and error.status == 403 and error.extra == {"reason": "disbursement_reviewer"}

    refuse_maker("u-1", "u-2", "not you", reason="disbursement_reviewer")
    with pytest.raises(Refused) as valuation:
        refuse_maker("u-1", "u-1", "not you", code="SELF_REVIEW", status="submitted")
    assert (valuation.value.code, valuation.value.extra) == ("SELF_REVIEW", {"status": "submitted"})


def test_any_of_several_makers_is_refused_and_nobody_is_no_maker():
    for person in ("officer", "investigator"):
        with pytest.raises(Refused):
            refuse_maker(("officer", "investigator"), person, "not you", reason="decider")
    refuse_maker(("officer", None), "reviewer", "not you", reason="decider")
    refuse_maker(None, "reviewer", "not you")
    refuse_maker(None, None, "not you")  # no maker recorded and no actor: nobody is refused


def _raised_codes(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name in RAISING:
                values = node.args[:1] if name == "Refused" else [k.value for k in node.keywords if k.arg == "code"]
                for value in values:
                    if isinstance(value, ast.Constant) and value.value in MAKER_CHECKER_CODES:
                        yield node.lineno, value.value


def test_every_review_refuses_its_maker_through_the_one_helper():
    helper = ROOT / "services/common/segregation.py"
    own = [f"{path.relative_to(ROOT)}:{line} {code}"
           for folder in ("services", "gateway") for path in sorted((ROOT / folder).rglob("*.py"))
           if path != helper and "migrations" not in path.parts
           for line, code in _raised_codes(ast.parse(path.read_text()))]
    assert not own, f"refuse the maker with services.common.segregation.refuse_maker: {own}"
