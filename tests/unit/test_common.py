"""The pure parts of services/common and the gateway's error shaping."""
import datetime as dt
from decimal import Decimal

import pytest
from marshmallow import Schema, fields
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select
from sqlalchemy.orm import Session

from gateway.problems import _flatten
from services.common import jsonutil
from services.common.consumer import Envelope
from services.common.errors import Conflict, Forbidden, RuleViolated, ValidationFailed, from_refusal
from services.common.pagination import paginate
from services.common.refusal import Refused
from services.common.schemas import Strict, load


def test_money_serialises_as_a_string_never_a_float():
    assert jsonutil.dumps({"amount": Decimal("150000.00")}) == '{"amount":"150000.00"}'
    assert jsonutil.to_jsonable({"on": dt.date(2026, 2, 28)}) == {"on": "2026-02-28"}


def test_payload_hash_ignores_key_order_but_not_values():
    assert jsonutil.payload_hash({"a": 1, "b": "x"}) == jsonutil.payload_hash({"b": "x", "a": 1})
    assert jsonutil.payload_hash({"a": Decimal("1.00")}) != jsonutil.payload_hash({"a": Decimal("1.01")})


class _Input(Strict):
    name = fields.String(required=True)
    limits = fields.Nested(Schema.from_dict({"amount": fields.Decimal(required=True)}))


def test_rpc_input_errors_become_field_messages():
    with pytest.raises(ValidationFailed) as caught:
        load(_Input(), {"limits": {}, "extra": 1})
    assert caught.value.errors == {"name": ["Missing data for required field."],
                                   "limits.amount": ["Missing data for required field."],
                                   "extra": ["Unknown field."]}
    assert caught.value.code == "VALIDATION_FAILED"


def test_gateway_flattens_webargs_locations_away():
    assert _flatten({"json": {"code": ["Too long."], "parent": {"id": ["Not a string."]}}}) == {
        "code": ["Too long."], "parent.id": ["Not a string."]}
    assert _flatten({"query": {"page_size": ["Must be at most 100."]}}) == {"page_size": ["Must be at most 100."]}


def test_an_envelope_reads_what_the_outbox_writes():
    body = {"event_id": "e1", "type": "org.employee_disabled", "occurred_at": "2026-11-28T09:00:00+00:00",
            "business_date": "2026-11-28", "source": "org", "correlation_id": "c1",
            "actor": {"user_id": "u1", "username": "admin"}, "payload": {"employee_id": "x"}}
    assert Envelope.from_body(body).to_dict() == body
    with pytest.raises(KeyError):
        Envelope.from_body({"type": "org.x"})


def test_pages_are_bounded_and_counted():
    metadata = MetaData()
    table = Table("item", metadata, Column("id", Integer, primary_key=True))
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as session:
        session.execute(insert(table), [{"id": i} for i in range(1, 151)])
        query = select(table.c.id).order_by(table.c.id)
        page = paginate(session, query, page=2, page_size=500)
        assert (page["total"], page["page"], page["page_size"]) == (150, 2, 100)
        assert page["items"] == list(range(101, 151))
        assert paginate(session, query, page=0, page_size=None)["items"] == list(range(1, 21))


def test_nul_characters_are_refused_anywhere_in_the_input():
    with pytest.raises(ValidationFailed) as caught:
        load(_Input(), {"name": "a\x00b", "limits": {"amount": "1.00"}})
    assert caught.value.errors == {"name": ["Must not contain NUL characters."]}


def test_a_refusal_reaches_the_caller_as_the_error_of_its_kind():
    rule = from_refusal(Refused("LTV_EXCEEDED", "too much", field="amount", max_amount="400000.00"))
    assert isinstance(rule, RuleViolated) and rule.status == 422 and rule.code == "LTV_EXCEEDED"
    assert rule.errors == {"amount": ["too much"]} and rule.extra == {"max_amount": "400000.00"}
    state = from_refusal(Refused("APPLICATION_STATE", "not now", kind="conflict", status="approved"))
    assert isinstance(state, Conflict) and state.status == 409 and state.extra == {"status": "approved"}
    person = from_refusal(Refused("SEGREGATION_OF_DUTIES", "not you", kind="forbidden"))
    assert isinstance(person, Forbidden) and person.status == 403 and person.code == "SEGREGATION_OF_DUTIES"
    with pytest.raises(ValueError):
        Refused("X", "y", kind="teapot")
