"""Numbers people type (phones, ID numbers, IMEIs, account numbers and codes, terms, pages) take ASCII digits
only: Python's `\\d`, `int()` and `str.isdigit()` also take full-width "１２３" and Arabic-Indic "١٢٣", which
would store a second spelling of the same phone or ID number (past the duplicate and blacklist checks)."""
import pytest
from marshmallow import ValidationError
from openpyxl import Workbook

from gateway.schemas import common as common_schemas
from gateway.schemas import origination as origination_schemas
from gateway.xlsx import _cell
from services.collateral import domain as collateral
from services.collateral.schemas import VehicleIn
from services.common.errors import ValidationFailed
from services.common.schemas import load
from services.customer import domain as customer
from services.finance.schemas import AccountIn, BankAccountIn
from services.loan.schemas import DisbursementIn, ExtensionIn, ScheduleIn
from services.org.schemas import EmployeeIn, EmployeePatch

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FOREIGN = (FULL_WIDTH, ARABIC_INDIC)

ID_NUMBER = "11010519491231002X"  # valid: Python would compute the same check from either spelling
PHONE = "13812345678"
IMEI = "490154203237518"


def foreign(text, table, keep=0):
    """`text` with its digits after the first `keep` characters written in another script."""
    return text[:keep] + text[keep:].translate(table)


@pytest.mark.parametrize("table", FOREIGN)
def test_an_id_number_in_other_digits_is_refused(table):
    assert customer.id_number_problem(ID_NUMBER) is None
    value = customer.normalize_id_number(foreign(ID_NUMBER, table))
    assert customer.id_number_problem(value) == "must be 18 characters: 17 digits and a digit or X"


@pytest.mark.parametrize("table", FOREIGN)
def test_a_customer_phone_in_other_digits_is_refused(table):
    assert customer.phone_problem(PHONE) is None
    assert customer.phone_problem(foreign(PHONE, table, keep=2)) == "not a mainland China mobile number (11 digits)"
    assert customer.phone_problem(PHONE + "\n") is not None


@pytest.mark.parametrize("table", FOREIGN)
def test_an_imei_in_other_digits_is_refused(table):
    assert collateral.imei_problem(IMEI) is None
    assert collateral.imei_problem(foreign(IMEI, table)) == "an IMEI has 15 digits"


@pytest.mark.parametrize("table", FOREIGN)
def test_an_employee_phone_in_other_digits_is_refused(table):
    employee = {"username": "zhang.san", "password": "x", "name": "张三"}
    assert load(EmployeeIn(), {**employee, "phone": PHONE})["phone"] == PHONE
    for phone in (foreign(PHONE, table, keep=2), PHONE + "\n"):
        with pytest.raises(ValidationFailed) as refused:
            load(EmployeeIn(), {**employee, "phone": phone})
        assert list(refused.value.errors) == ["phone"]
        with pytest.raises(ValidationFailed):
            load(EmployeePatch(), {"phone": phone})


@pytest.mark.parametrize("table", FOREIGN)
def test_account_codes_and_bank_account_numbers_take_ascii_digits(table):
    assert load(AccountIn(), {"code": "1002", "name": "银行存款", "kind": "asset"})["code"] == "1002"
    bank = {"code": "ICBC-01", "name": "基本户", "opened_on": "2026-01-01"}
    assert load(BankAccountIn(), {**bank, "account_no": "6222020200112233"})["account_no"] == "6222020200112233"
    for schema, data, field in [
            (AccountIn(), {"code": foreign("1002", table), "name": "银行存款", "kind": "asset"}, "code"),
            (AccountIn(), {"code": "1002\n", "name": "银行存款", "kind": "asset"}, "code"),
            (BankAccountIn(), {**bank, "account_no": foreign("6222020200112233", table)}, "account_no")]:
        with pytest.raises(ValidationFailed) as refused:
            load(schema, data)
        assert list(refused.value.errors) == [field]


@pytest.mark.parametrize("table", FOREIGN)
def test_a_payee_account_takes_ascii_digits(table):
    disbursement = {"payee_name": "某某汽车销售有限公司", "amount": "100000.00"}
    assert load(DisbursementIn(), {**disbursement, "payee_account": "6222020200112233"})["payee_account"]
    with pytest.raises(ValidationFailed) as refused:
        load(DisbursementIn(), {**disbursement, "payee_account": foreign("6222020200112233", table)})
    assert list(refused.value.errors) == ["payee_account"]


NOT_AN_INTEGER = ("１２", "١٢", "12", 12.5, True)  # 12.5 would be cut to 12, "12" is no JSON number


@pytest.mark.parametrize("value", NOT_AN_INTEGER)
def test_terms_and_years_are_json_integers_in_the_services(value):
    schedule = {"amount": "100000.00", "annual_rate": "0.12", "repayment_method": "equal_installment",
                "start_date": "2026-01-31"}
    assert load(ScheduleIn(), {**schedule, "term_months": 12})["term_months"] == 12
    vehicle = {"vin": "LSVAU2180N2183294", "brand": "大众", "model": "朗逸", "owner_customer_id": "c1"}
    cases = [(ScheduleIn(), {**schedule, "term_months": value}, "term_months"),
             (ExtensionIn(), {"extra_months": value, "reason": "客户失业"}, "extra_months"),
             (VehicleIn(), {**vehicle, "year": 2022, "mileage_km": value}, "mileage_km")]
    for schema, data, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            load(schema, data)
        assert list(refused.value.errors) == [field]


@pytest.mark.parametrize("value", NOT_AN_INTEGER)
def test_terms_are_json_integers_at_the_gateway(value):
    schedule = {"amount": "100000.00", "annual_rate": "0.12", "repayment_method": "equal_installment",
                "start_date": "2026-01-31"}
    assert origination_schemas.ScheduleRequestSchema().load({**schedule, "term_months": 12})["term_months"] == 12
    with pytest.raises(ValidationError) as refused:
        origination_schemas.ScheduleRequestSchema().load({**schedule, "term_months": value})
    assert list(refused.value.messages) == ["term_months"]


@pytest.mark.parametrize("page", ["２", "٢", " 2", "2.0", "1_0", "", "9" * 19, "1" * 5000])
def test_a_page_in_the_query_string_takes_ascii_digits(page):
    assert common_schemas.PageArgs().load({"page": "2", "page_size": "50"}) == {"page": 2, "page_size": 50}
    with pytest.raises(ValidationError) as refused:
        common_schemas.PageArgs().load({"page": page})
    assert list(refused.value.messages) == ["page"]


def test_an_export_shows_text_in_other_digits_as_text_not_as_an_amount():
    sheet = Workbook(write_only=True).create_sheet()
    assert _cell(sheet, "1234.50", key="amount").data_type == "n"
    for text in ("１２３４.５０", "١٢٣٤.٥٠", "1234.50\n"):
        assert _cell(sheet, text, key="reason").value == text
