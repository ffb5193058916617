"""The field types every schema uses (services/common/schemas.py), the gateway's money and rates built on
them, and the JSON bodies the gateway refuses before a view reads them."""
import datetime as dt
from decimal import Decimal

import pytest
from flask import Flask
from marshmallow import ValidationError, fields

from gateway.schemas import common as common_schemas
from gateway.schemas import origination as origination_schemas
from gateway.problems import check_json_body
from services.common.errors import DomainError, ValidationFailed
from services.common.schemas import IsoDate, Strict, StrictDecimal, business_date, business_timestamp, load

FOREIGN_DIGITS = ("１２３", "١٢٣", "۱۲۳", "१२३")  # full-width, Arabic-Indic, Persian, Devanagari: Python reads 123


class _Input(Strict):
    amount = StrictDecimal(places=2, as_string=True)
    on = business_date()
    note = fields.String()


@pytest.mark.parametrize("text", FOREIGN_DIGITS + ("1e3", " 12", "12 ", "1_000", "NaN", "+5", "0x10", ".5", ""))
def test_a_decimal_is_written_with_ascii_digits_only(text):
    with pytest.raises(ValidationFailed) as caught:
        load(_Input(), {"amount": text})
    assert list(caught.value.errors) == ["amount"]


def test_a_decimal_in_plain_ascii_still_loads():
    assert load(_Input(), {"amount": "150000.50"})["amount"] == Decimal("150000.50")
    assert StrictDecimal().deserialize(150000) == Decimal(150000)
    assert StrictDecimal().deserialize("-12.5") == Decimal("-12.5")


@pytest.mark.parametrize("text", ["20270108", "2027-1-8", "２０２７-01-08", "2027-01-08T00:00:00", "2027-W02-5",
                                  "2027-008", " 2027-01-08", "2027-01-08\n"])
def test_a_date_is_yyyy_mm_dd_only(text):
    with pytest.raises(ValidationFailed) as caught:
        load(_Input(), {"on": text})
    assert list(caught.value.errors) == ["on"]


def test_a_yyyy_mm_dd_date_still_loads_and_the_window_still_applies():
    assert load(_Input(), {"on": "2027-01-08"})["on"] == dt.date(2027, 1, 8)
    with pytest.raises(ValidationFailed):
        load(_Input(), {"on": "1999-12-31"})
    assert IsoDate().deserialize(dt.date(2027, 1, 8)) == dt.date(2027, 1, 8)


def test_a_timestamp_is_iso_8601_extended_with_ascii_digits():
    field = business_timestamp()
    assert field.deserialize("2027-01-08T09:30:00+08:00").utcoffset() == dt.timedelta(hours=8)
    for text in ("20270108T093000+0800", "２０２７-01-08T09:30:00+08:00"):
        with pytest.raises(ValidationError):
            field.deserialize(text)


@pytest.mark.parametrize("build", [common_schemas.money, origination_schemas.rate])
def test_the_gateways_money_and_rates_refuse_other_digits_and_trailing_newlines(build):
    field = build()
    assert field.deserialize("12.5") == "12.5"
    for text in (*FOREIGN_DIGITS, "12\n", "1e3"):
        with pytest.raises(ValidationError):
            field.deserialize(text)


def test_the_gateways_dates_are_the_shared_type():
    with pytest.raises(ValidationError):
        common_schemas.IsoDate().deserialize("20270108")
    assert common_schemas.IsoDate().deserialize("2027-01-08") == dt.date(2027, 1, 8)


def test_a_lone_surrogate_is_refused_by_every_strict_schema_as_a_field_error():
    with pytest.raises(ValidationFailed) as caught:
        load(_Input(), {"note": "a\ud800b"})
    assert list(caught.value.errors) == ["note"]


def test_a_fee_needs_an_amount_or_a_rate_at_the_gateway_and_in_the_loan_service():
    from services.loan.schemas import ProductIn
    product = {"code": "P1", "name": "产品", "repayment_method": "bullet", "annual_rate": "0.100000",
               "min_term_months": 1, "max_term_months": 12, "min_amount": "1000.00", "max_amount": "2000.00",
               "upfront_fees": [{"name": "GPS费"}]}
    with pytest.raises(ValidationError) as caught:
        origination_schemas.ProductSchema().load(product)
    assert caught.value.messages == {"upfront_fees": {0: {"amount": ["give either amount or rate"]}}}
    with pytest.raises(ValidationFailed) as refused:
        load(ProductIn(), product)
    assert refused.value.errors == {"upfront_fees.0.amount": ["give either amount or rate"]}
    with pytest.raises(ValidationFailed):
        load(ProductIn(), {**product, "upfront_fees": [{"name": "GPS费", "amount": "1.00", "rate": "0.01"}]})


def _check(body, content_type="application/json"):
    app = Flask(__name__)
    with app.test_request_context("/", method="POST", data=body, content_type=content_type):
        from flask import request
        check_json_body(request)


def test_the_gateway_refuses_json_it_cannot_read_safely():
    with pytest.raises(DomainError) as deep:
        _check("[" * 100_000 + "]" * 100_000)  # the decoder itself would raise RecursionError
    assert deep.value.code == "JSON_TOO_DEEP" and deep.value.status == 400
    with pytest.raises(DomainError) as deep:
        _check('{"a": ' * 40 + "1" + "}" * 40)  # parses, but deeper than any body of this API
    assert deep.value.code == "JSON_TOO_DEEP"
    with pytest.raises(DomainError) as huge:
        _check('{"amount": ' + "9" * 5000 + "}")  # Python refuses to convert it (ValueError, not a JSON error)
    assert huge.value.code == "INVALID_JSON"
    with pytest.raises(ValidationFailed) as surrogate:
        _check('{"customer": {"name": "\\ud800", "tags": ["ok", "\\udfff"]}, "k\\ud800": 1}')
    assert set(surrogate.value.errors) == {"customer.name", "customer.tags", "k\\ud800"}
    _check('{"name": "张三 \\ud83d\\ude00", "a": [[[1]]]}')  # a surrogate pair is a character (😀): accepted
    _check("not json", content_type="text/plain")  # not JSON: left to the view
