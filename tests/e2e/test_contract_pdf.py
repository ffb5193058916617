"""套打 through the gateway (issue 18): a disbursed loan's 借款合同 and 还款计划表 as PDF, whose text (read back with
pypdf) holds the borrower's name, the amount in capitals and every due date of the schedule; the same request twice
gives the same bytes; the ID number is whole only for a holder of customer.unmask; an officer of another department
gets 404 as for the loan. Page 1 is rendered to PNG (pypdfium2) under the test's tmp dir, to look at."""
import datetime as dt
import io

import pypdf
import pypdfium2
import pytest

from services.common import clock
from tests.e2e.conftest import assert_problem, create_employee, unique
from tests.e2e.test_customers import register
from tests.helpers import new_vin

TODAY = clock.today()
BORROWER = "诸葛明远"
AMOUNT, CAPITALS = "234567.89", "贰拾叁万肆仟伍佰陆拾柒元捌角玖分"


@pytest.fixture(scope="module")
def loan(staff, product):
    """A 24-month loan of 234,567.89 signed and paid out 40 days ago, to a borrower with a name of their own."""
    officer = staff["officer"]
    response, person = register(officer, name=BORROWER)
    assert response.status_code == 201, response.text
    customer = response.json()
    vin = new_vin()
    car = officer.post("/api/v1/vehicles", json={"vin": vin, "plate_number": "浙A9C123", "brand": "比亚迪",
                                                 "model": "汉EV", "year": 2023, "owner_customer_id": customer["id"]})
    assert car.status_code == 201, car.text
    car = car.json()
    valuation = staff["appraiser_a"].post(f"/api/v1/vehicles/{car['id']}/valuations",
                                          json={"appraised_value": "320000.00", "method": "market"}).json()
    staff["appraiser_b"].post(f"/api/v1/valuations/{valuation['id']}/review", json={"approve": True})
    application = officer.post("/api/v1/loan-applications", json={
        "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": car["id"], "amount": AMOUNT,
        "term_months": 24})
    assert application.status_code == 201, application.text
    path = f"/api/v1/loan-applications/{application.json()['id']}"
    staff["reviewer_1"].post(f"{path}/investigation", json={"findings": "ok", "recommendation": "approve"})
    staff["reviewer_2"].post(f"{path}/decision", json={"approve": True})
    day = (TODAY - dt.timedelta(days=40)).isoformat()
    signed = officer.post(f"{path}/contract", json={"signed_on": day})
    assert signed.status_code == 201, signed.text
    signed = signed.json()
    staff["clerk"].post(f"/api/v1/loans/{signed['id']}/disbursement", json={
        "payee_name": BORROWER, "payee_account": "6222020200112233445", "amount": signed["net_amount"]})
    review = staff["checker"].post(f"/api/v1/loans/{signed['id']}/disbursement/review",
                                   json={"approve": True, "voucher_no": unique("V"), "disbursed_on": day})
    assert review.status_code == 200, review.text
    return {"id": signed["id"], "contract_no": signed["contract_no"], "id_number": person["id_number"], "vin": vin}


def pdf(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    return response


def text_of(body):
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)


def test_the_contract_prints_the_borrower_the_capitals_the_car_and_every_due_date(staff, loan, tmp_path):
    officer, path = staff["officer"], f"/api/v1/loans/{loan['id']}"
    response = pdf(officer, f"{path}/contract.pdf")
    assert loan["contract_no"] in response.headers["Content-Disposition"]
    text = text_of(response.content)
    schedule = officer.get(f"{path}/schedule").json()["installments"]
    assert len(schedule) == 24
    for expected in (BORROWER, CAPITALS, "¥234,567.89", loan["contract_no"], loan["vin"], "浙A9C123", "比亚迪 汉EV",
                     "抵押条款", "等额本息", "8.88%", "13.32%", "宽限期3日", "2.00%", "GPS费¥1,500.00"):
        assert expected in text, expected
    missing = [line["due_date"] for line in schedule if line["due_date"] not in text]
    assert not missing, missing
    masked = loan["id_number"][:3] + "*" * 11 + loan["id_number"][-4:]
    assert masked in text and loan["id_number"] not in text  # the officer may not unmask

    again = officer.get(f"{path}/contract.pdf")
    assert again.content == response.content  # the same loan, the same bytes

    page = pypdfium2.PdfDocument(response.content)[0]
    image = page.render(scale=1.5).to_pil()
    image.save(tmp_path / "contract-page-1.png")
    assert image.size[0] > 800
    print(f"contract page 1: {tmp_path / 'contract-page-1.png'}")


def test_the_schedule_prints_every_installment_the_same_every_time(staff, loan, tmp_path):
    clerk, path = staff["clerk"], f"/api/v1/loans/{loan['id']}"
    first = pdf(clerk, f"{path}/schedule.pdf")
    assert pdf(clerk, f"{path}/schedule.pdf").content == first.content
    text = text_of(first.content)
    assert BORROWER in text and CAPITALS in text and "还款计划表" in text
    schedule = clerk.get(f"{path}/schedule").json()["installments"]
    assert all(line["due_date"] in text for line in schedule)
    pypdfium2.PdfDocument(first.content)[0].render(scale=1.5).to_pil().save(tmp_path / "schedule-page-1.png")


def test_the_id_number_is_whole_for_one_who_may_unmask(admin, loan):
    text = text_of(pdf(admin, f"/api/v1/loans/{loan['id']}/contract.pdf").content)
    assert loan["id_number"] in text


def test_an_officer_of_another_department_gets_404_as_for_the_loan(platform, admin, loan):
    department = admin.post("/api/v1/departments", json={"code": unique("HZ"), "name": "湖州分公司"}).json()
    _, username, password = create_employee(admin, ["loan_officer"], department_id=department["id"])
    stranger = platform.client(platform.login(username, password))
    assert_problem(stranger.get(f"/api/v1/loans/{loan['id']}"), 404, "LOAN_NOT_FOUND")
    for kind in ("contract.pdf", "schedule.pdf"):
        assert_problem(stranger.get(f"/api/v1/loans/{loan['id']}/{kind}"), 404, "LOAN_NOT_FOUND")
    assert_problem(admin.get("/api/v1/loans/no-such-loan/contract.pdf"), 404, "LOAN_NOT_FOUND")
