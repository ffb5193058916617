"""Producer and consumers agree on each event: every builder of a producer's events module (services/loan/events.py,
services/collection/events.py, services/collateral/events.py, services/customer/events.py), given what its service
keeps, makes a payload that every consuming service's schema for that event loads (the schema each `@subscribe(…)`
handler loads its payload with, found by reading the handler). A field renamed or dropped on either side fails
here, not in production."""
import ast
import datetime as dt
import importlib
import json
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from services.common.schemas import load
from services.collateral import events as collateral_events
from services.collection import events as collection_events
from services.customer import events as customer_events
from services.loan import events

ROOT = Path(__file__).resolve().parents[2]
CONSUMERS = ("customer", "collateral", "collection", "finance", "org", "loan")
DAY = dt.date(2026, 12, 3)


def consumed(prefix):
    """{event type: [(service, handler, schema class or None)]} for every handler of events starting with `prefix`."""
    found = {}
    for service in CONSUMERS:
        path = ROOT / "services" / service / "service.py"
        module = importlib.import_module(f"services.{service}.service")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                if (isinstance(decorator, ast.Call) and getattr(decorator.func, "id", None) == "subscribe"
                        and isinstance(decorator.args[0], ast.Constant) and decorator.args[0].value.startswith(prefix)):
                    found.setdefault(decorator.args[0].value, []).append(
                        (service, node.name, _schema_loaded(node, module)))
    return found


def _schema_loaded(function, module):
    for call in ast.walk(function):
        if (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "load" and call.args
                and isinstance(call.args[0], ast.Call) and isinstance(call.args[0].func, ast.Name)):
            return getattr(module, call.args[0].func.id)
    return None


def a_loan():
    loan = SimpleNamespace(
        id="7b0c3b9e-1f7a-4a57-9a4e-2f1d3c4b5a60", contract_no="CL20261203-0001",
        application_id="1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", customer_id="9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
        customer_name="赵全程", vehicle_id="2a3b4c5d-6e7f-4091-a2b3-c4d5e6f70819", department_id="d-hangzhou",
        officer_id="e-officer", product_id="p-24", credit_line_id=None, principal=Decimal("320000.00"),
        fees=json.dumps([{"name": "GPS费", "amount": "1500.00"}]), fees_total=Decimal("1500.00"),
        annual_rate=Decimal("0.072"), apr=Decimal("0.0801"), repayment_method="equal_installment",
        term_months=24, outstanding_principal=Decimal("307563.74"), advance_balance=Decimal("0.00"),
        extended_months=6, maturity_date=dt.date(2029, 3, 24), grace_days=3, next_due_date=dt.date(2026, 11, 24))
    return loan


def built():
    """One payload of every event the loan service builds: {"loan.<type>": payload}."""
    loan = a_loan()
    application = SimpleNamespace(id=loan.application_id, customer_id=loan.customer_id, product_id=loan.product_id,
                                  vehicle_id=loan.vehicle_id, amount=Decimal("320000.00"), term_months=24,
                                  department_id=loan.department_id, officer_id=loan.officer_id, status="approved")
    line = SimpleNamespace(total=Decimal("14356.26"))
    schedule = SimpleNamespace(installments=[line] * 24, first_due_date=dt.date(2026, 10, 24),
                               maturity_date=dt.date(2028, 9, 24), total_interest=Decimal("24550.14"),
                               total_payment=Decimal("344550.14"))
    disbursement = SimpleNamespace(id="b1", payee_name="赵全程", amount=Decimal("318500.00"),
                                   disbursed_on=dt.date(2026, 9, 24), voucher_no="FK96076")
    repayment = SimpleNamespace(id="r1", amount=Decimal("14356.26"), paid_on=dt.date(2026, 10, 24),
                                channel="bank_transfer", payer_name="赵全程", voucher_no="HK01", event_id="ev-1")
    summary = {"principal": Decimal("12436.26"), "interest": Decimal("1920.00"), "penalty": Decimal("0.00"),
               "fees": Decimal("0.00"), "advance": Decimal("0.00")}
    reversal = SimpleNamespace(id="rv1", reversed_on=DAY, reason="录错金额")
    record = SimpleNamespace(id="pp1", full=True, mode=None, paid_on=DAY, amount=Decimal("298534.49"),
                             principal=Decimal("295052.86"), interest=Decimal("531.10"), fee=Decimal("2950.53"),
                             advance_used=Decimal("0.00"))
    transfer = SimpleNamespace(supplement_no="CL20261203-0001-BC01", to_customer_id="c-2", to_customer_name="钱承接",
                               from_customer_id=loan.customer_id)
    extension = SimpleNamespace(id="x1", months=6, maturity_before=dt.date(2028, 9, 24), fee=Decimal("3075.64"),
                                fee_voucher_no="ZQ0001")
    pairs = [events.application_submitted(application),
             events.application_decided(application, "e-approver", 2, "同意"),
             events.application_decided(SimpleNamespace(**{**vars(application), "status": "rejected"}),
                                        "e-approver", 1, "收入不足"),
             events.signed(loan, application.id, dt.date(2026, 9, 24)),
             events.disbursed(loan, disbursement, schedule),
             events.repayment_received(loan, repayment, summary),
             events.advance_applied(loan, repayment, summary, DAY),
             events.repayment_reversed(loan, repayment, reversal, {**summary, "lines": {"1": {}}}),
             events.penalty_adjusted(loan, repayment, {**summary, "penalty_reduced": Decimal("58.33"),
                                                       "refunded": Decimal("23.68"), "advance": Decimal("23.68")},
                                     DAY),
             events.penalty_adjustment_reversed(loan, repayment, reversal, "ev-2"),
             events.prepaid(loan, record),
             events.settled(loan, DAY),
             events.transferred(loan, transfer),
             events.extended(loan, extension, [SimpleNamespace(total=Decimal("9876.54"))] * 30, DAY),
             *events.dpd_events(events.loan_facts(loan), 0, 9, DAY),
             *events.dpd_events(events.loan_facts(loan), 9, 0, DAY)]
    produced = {f"loan.{kind}": payload for kind, payload in pairs}
    file = SimpleNamespace(loan_id=loan.id, contract_no=loan.contract_no, customer_id=loan.customer_id,
                           department_id=loan.department_id, dpd=95, outstanding_principal=Decimal("120000.00"))
    valuation = SimpleNamespace(id="v1", vehicle_id=loan.vehicle_id, appraised_value=Decimal("168000.00"),
                                method="market", valued_on=DAY, reviewed_by="e-appraiser-2")
    alert = SimpleNamespace(id="a1", device_imei="490154203237518", kind="offline",
                            at=dt.datetime(2026, 12, 3, 1, 2, 3, tzinfo=dt.timezone.utc))
    device = SimpleNamespace(status="active", vehicle_id=loan.vehicle_id, loan_id=loan.id)
    pledge = SimpleNamespace(customer_id=loan.customer_id, department_id=loan.department_id)
    entry = SimpleNamespace(id="bl1", customer_id=loan.customer_id, id_number_hash="ab" * 32, uscc=None,
                            reason="法院失信被执行人")
    for source, (kind, payload) in (
            ("collection", collection_events.classification_changed(file, "substandard", "special_mention", "auto")),
            ("collateral", collateral_events.valuation_approved(valuation)),
            ("collateral", collateral_events.gps_alert(alert, device, pledge)),
            ("customer", customer_events.blacklist_entry("blacklisted", entry)),
            ("customer", customer_events.blacklist_entry("unblacklisted", entry))):
        produced[f"{source}.{kind}"] = payload
    return produced


def test_every_event_a_service_consumes_is_built_by_its_producer():
    assert set(consumed("")) - set(built()) == set()


@pytest.mark.parametrize("event_type", sorted(consumed("")))
def test_every_consumer_loads_what_the_producer_builds(event_type):
    payload = json.loads(json.dumps(built()[event_type]))  # as it crosses the broker
    for service, handler, schema in consumed("")[event_type]:
        if schema is None:
            continue  # the handler reads no field it could miss (e.g. collection's on_became_current reads loan_id)
        try:
            load(schema(), payload)
        except Exception as exc:  # noqa: BLE001 - the report names who refused what
            pytest.fail(f"{service}.{handler} ({schema.__name__}) refuses {event_type}: {exc}")


def test_a_renamed_field_is_caught():
    payload = dict(built()["loan.disbursed"])
    payload["net"] = payload.pop("net_amount")
    schema = next(s for service, _, s in consumed("loan.")["loan.disbursed"] if service == "finance")
    with pytest.raises(Exception):
        load(schema(), payload)
