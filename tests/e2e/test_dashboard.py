"""驾驶舱 through the gateway on real loans: a branch manager's summary counts the book, its arrears, PAR30 / PAR90,
what was paid out and collected this month against the last, the balance by grade, the collection funnel and the
applications of their branch to the fen; each role gets only the parts of its own work, within its data scope."""
import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal

import pytest

from services.common import clock
from tests.e2e.conftest import assert_problem, create_employee, unique
from tests.e2e.test_customers import register
from tests.e2e.test_servicing import disbursed_loan
from tests.helpers import new_vin, wait_until
from tests.platform import running_platform

TODAY = clock.today()
RATIO = Decimal("0.0001")
ZERO = Decimal("0.00")


def ratio(part, whole):
    return str((part / whole).quantize(RATIO, rounding=ROUND_HALF_UP)) if whole else "0.0000"


def in_month(day, month_from, month_to):
    return dt.date.fromisoformat(month_from) <= day <= dt.date.fromisoformat(month_to)


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    """A platform of its own: this module closes business dates up to today, which the servicing tests on the
    shared platform expect to do first."""
    with running_platform(tmp_path_factory.mktemp("dashboard"), prefix="dash", ready_timeout=180) as platform:
        yield platform


@pytest.fixture(scope="module")
def admin(platform):
    return platform.client(platform.login("admin", platform.admin_password))


@pytest.fixture(scope="module")
def manager(platform, admin, staff):
    """A branch manager: every figure, scoped to the branch."""
    role = admin.post("/api/v1/roles", json={
        "code": unique("branch_mgr_"), "name": "分公司经理", "data_scope": "department",
        "permissions": ["loan.view", "loan.apply", "finance.view", "collection.view", "collection.task.assign",
                        "collection.classification.approve"]})
    assert role.status_code == 201, role.text
    _, username, password = create_employee(admin, [role.json()["code"]], department_id=staff["department_id"])
    return platform.client(platform.login(username, password))


@pytest.fixture(scope="module")
def book(admin, staff, product):
    """Four loans of the branch: long overdue (> 90 days), overdue (> 30), paid out last month, paid out today
    with money already received; one application still waiting; close of business run past today."""
    loans = {
        "old": disbursed_loan(staff, product, "150000.00", 24, days_ago=130)[0],
        "mid": disbursed_loan(staff, product, "120000.00", 24, days_ago=70)[0],
        "last": disbursed_loan(staff, product, "130000.00", 24, days_ago=TODAY.day + 3)[0],
        "new": disbursed_loan(staff, product, "140000.00", 24, days_ago=0)[0],
    }
    paid = staff["clerk"].post(f"/api/v1/loans/{loans['new']['id']}/repayments", json={
        "amount": "1234.56", "paid_on": TODAY.isoformat(), "channel": "bank_transfer"},
        headers={"Idempotency-Key": uuid.uuid4().hex})
    assert paid.status_code == 200, paid.text
    officer = staff["officer"]
    customer = register(officer)[0].json()
    car = officer.post("/api/v1/vehicles", json={"vin": new_vin(), "brand": "丰田", "model": "卡罗拉", "year": 2021,
                                                 "owner_customer_id": customer["id"]}).json()
    valuation = staff["appraiser_a"].post(f"/api/v1/vehicles/{car['id']}/valuations",
                                          json={"appraised_value": "200000.00", "method": "market"}).json()
    staff["appraiser_b"].post(f"/api/v1/valuations/{valuation['id']}/review", json={"approve": True})
    waiting = officer.post("/api/v1/loan-applications", json={
        "customer_id": customer["id"], "product_id": product["id"], "vehicle_id": car["id"], "amount": "30000.00",
        "term_months": 12})
    assert waiting.status_code == 201, waiting.text

    closed = admin.get("/api/v1/cob").json().get("business_date")
    day = max(TODAY, dt.date.fromisoformat(closed) + dt.timedelta(days=1)) if closed else TODAY
    run = admin.post("/api/v1/cob", json={"business_date": day.isoformat()})
    assert run.status_code in (200, 202), run.text
    wait_until(lambda: (status := admin.get("/api/v1/cob").json())["business_date"] == day.isoformat()
               and status["status"] == "done", timeout=120, message="the close of business")
    return {"loans": loans, "repayment": paid.json()}


def details(staff, book):
    return {name: staff["clerk"].get(f"/api/v1/loans/{loan['id']}").json() for name, loan in book["loans"].items()}


def test_the_branch_managers_book_and_arrears_to_the_fen(manager, staff, book):
    loans = details(staff, book)
    assert loans["old"]["dpd"] > 90 and 30 < loans["mid"]["dpd"] <= 90, {n: l["dpd"] for n, l in loans.items()}
    outstanding = sum((Decimal(l["outstanding_principal"]) for l in loans.values()), ZERO)
    overdue = sum((Decimal(l["outstanding_principal"]) for l in loans.values() if l["dpd"] > 0), ZERO)
    par30 = sum((Decimal(l["outstanding_principal"]) for l in loans.values() if l["dpd"] > 30), ZERO)
    par90 = sum((Decimal(l["outstanding_principal"]) for l in loans.values() if l["dpd"] > 90), ZERO)

    summary = manager.get("/api/v1/dashboard/summary")
    assert summary.status_code == 200, summary.text
    summary = summary.json()
    assert summary["unavailable"] == []
    assert summary["portfolio"] == {
        "outstanding_principal": str(outstanding), "active_loans": 4,
        "overdue_loans": sum(1 for l in loans.values() if l["dpd"] > 0), "overdue_principal": str(overdue),
        "overdue_rate": ratio(overdue, outstanding), "par30_principal": str(par30), "par30": ratio(par30, outstanding),
        "par90_principal": str(par90), "par90": ratio(par90, outstanding)}
    assert Decimal(summary["portfolio"]["par90"]) > 0 and summary["portfolio"]["par30"] != summary["portfolio"]["par90"]

    # applications of the branch: four contracted, one waiting for investigation
    counts = {row["status"]: row["count"] for row in summary["applications"]["by_status"]}
    assert (counts["contracted"], counts["submitted"], summary["applications"]["total"]) == (4, 1, 5)
    assert summary["applications"]["by_status"][0]["status_label"] == "已提交"


def test_paid_out_and_collected_this_month_against_the_last(manager, staff, book):
    loans = details(staff, book)
    summary = manager.get("/api/v1/dashboard/summary").json()
    as_of = dt.date.fromisoformat(summary["as_of"])
    assert as_of >= TODAY
    for name, month in summary["flows"].items():
        paid_out = [l for l in loans.values() if in_month(dt.date.fromisoformat(l["disbursed_on"]), month["from"],
                                                          month["to"])]
        assert month["disbursed_count"] == len(paid_out), name
        assert month["disbursed_amount"] == str(sum((Decimal(l["net_amount"]) for l in paid_out), ZERO)), name
        assert month["disbursed_principal"] == str(sum((Decimal(l["principal"]) for l in paid_out), ZERO)), name
        received = book["repayment"]["amount"] if in_month(TODAY, month["from"], month["to"]) else "0.00"
        assert month["collected"] == received, name
    this, last = summary["flows"]["this_month"], summary["flows"]["last_month"]
    assert (this["from"], this["to"]) == (as_of.replace(day=1).isoformat(), as_of.isoformat())
    if as_of.month == TODAY.month:  # close of business did not run into another month
        assert this["disbursed_count"] >= 1 and this["collected"] == "1234.56" and last["disbursed_count"] >= 1


def test_the_balance_by_grade_and_the_collection_funnel(manager, staff, book):
    loans = details(staff, book)
    ids = {loan["id"] for loan in book["loans"].values()}
    post_loan = staff["post_loan"]

    def expected_grades():
        grades = {}
        for loan in loans.values():
            [row] = post_loan.get("/api/v1/classifications", params={"loan_id": loan["id"]}).json()["items"]
            count, amount = grades.get(row["grade"], (0, ZERO))
            grades[row["grade"]] = (count + 1, amount + Decimal(loan["outstanding_principal"]))
        return grades

    def grades_match():
        grades = expected_grades()
        answer = manager.get("/api/v1/dashboard/summary").json()["grades"]
        got = {row["grade"]: (row["loans"], Decimal(row["outstanding_principal"])) for row in answer["by_grade"]
               if row["loans"]}
        return got == grades and grades.get("substandard") and answer
    answer = wait_until(grades_match, timeout=30, message="the grades of the branch's loans")
    total = sum((Decimal(l["outstanding_principal"]) for l in loans.values()), ZERO)
    assert answer["outstanding_principal"] == str(total) and answer["loans"] == 4
    assert [row["grade_label"] for row in answer["by_grade"]] == ["正常", "关注", "次级", "可疑", "损失"]
    for row in answer["by_grade"]:
        assert row["share"] == ratio(Decimal(row["outstanding_principal"]), total)

    overdue = {l["id"]: l for l in loans.values() if l["dpd"] > 3}  # past the product's grace days

    def funnel_matches():
        tasks = [t for t in post_loan.get("/api/v1/collection/tasks", params={"status": "open", "page_size": 100})
                 .json()["items"] if t["loan_id"] in ids]
        if {t["loan_id"] for t in tasks} != set(overdue):
            return False
        answer = manager.get("/api/v1/dashboard/summary").json()["collection_funnel"]
        expected = {}
        for task in tasks:
            count, amount = expected.get(task["stage"], (0, ZERO))
            expected[task["stage"]] = (count + 1, amount + Decimal(overdue[task["loan_id"]]["outstanding_principal"]))
        got = {row["stage"]: (row["open_tasks"], Decimal(row["outstanding_principal"])) for row in answer["by_stage"]
               if row["open_tasks"]}
        return got == expected and answer
    funnel = wait_until(funnel_matches, timeout=30, message="the collection tasks of the branch")
    assert funnel["open_tasks"] == len(overdue) and [row["stage"] for row in funnel["by_stage"]] == [
        "call_sms", "visit", "legal"]
    assert {row["stage"]: row["open_tasks"] for row in funnel["by_stage"]}["legal"] == 1  # the one > 90 days


def test_each_role_gets_the_parts_of_its_own_work(admin, staff, book):
    collector = staff["collector"].get("/api/v1/dashboard/summary").json()
    assert set(collector) == {"as_of", "collection_funnel", "unavailable"}
    assert collector["collection_funnel"]["open_tasks"] == len(
        staff["collector"].get("/api/v1/collection/tasks", params={"status": "open"}).json()["items"])
    officer = staff["officer"].get("/api/v1/dashboard/summary").json()
    assert {"applications", "portfolio"} <= set(officer) and not {"flows", "grades"} & set(officer)
    assert officer["portfolio"]["active_loans"] == 4  # their own loans
    clerk = staff["clerk"].get("/api/v1/dashboard/summary").json()
    assert "flows" in clerk and not {"portfolio", "grades", "collection_funnel", "applications"} & set(clerk)
    assert set(admin.get("/api/v1/dashboard/summary").json()) == {
        "as_of", "applications", "portfolio", "flows", "grades", "collection_funnel", "unavailable"}
    appraiser = staff["appraiser_a"].get("/api/v1/dashboard/summary").json()
    assert appraiser == {"as_of": None, "unavailable": []}


def test_the_loan_book_filters_by_dpd_and_grade_as_the_figures_count_them(platform, admin, manager, staff, book):
    """贷款台账 by DPD range and five-level grade through the gateway, each filter the exact loans: the cockpit's
    overdue rate, PAR30, PAR90 and balance by grade open these lists. Bad filters are field errors that change
    nothing, and the filters keep to the data scope."""
    post_loan = staff["post_loan"]

    def listed(client, **params):
        answer = client.get("/api/v1/loans", params={"page_size": 100, **params})
        assert answer.status_code == 200, answer.text
        return {loan["id"] for loan in answer.json()["items"]}

    def graded():
        """The loans' details once each shows the grade post-loan gave it (the loan learns it by event)."""
        loans = details(staff, book)
        for loan in loans.values():
            [row] = post_loan.get("/api/v1/classifications", params={"loan_id": loan["id"]}).json()["items"]
            if loan["classification"] != row["grade"]:
                return False
        return loans
    loans = wait_until(graded, timeout=30, message="the loans showing their grades")
    dpd = {loan["id"]: loan["dpd"] for loan in loans.values()}
    grade = {loan["id"]: loan["classification"] for loan in loans.values()}
    assert listed(manager) == set(dpd)  # the branch's book is these four loans
    assert dpd[loans["old"]["id"]] > 90 and 30 < dpd[loans["mid"]["id"]] <= 90 and dpd[loans["new"]["id"]] == 0
    assert len(set(grade.values())) >= 2 and "substandard" in grade.values(), grade

    def within(low=None, high=None):
        return {i for i, d in dpd.items() if (low is None or d >= low) and (high is None or d <= high)}

    for low, high in [(1, None), (31, None), (91, None), (None, 0), (0, 0), (1, 30), (31, 60), (61, 90), (31, 90),
                      (0, None), (None, 99_999)]:
        params = {k: v for k, v in (("min_dpd", low), ("max_dpd", high)) if v is not None}
        assert listed(manager, **params) == within(low, high), params
    old = dpd[loans["old"]["id"]]
    assert listed(manager, min_dpd=old, max_dpd=old) == {loans["old"]["id"]}
    assert listed(manager, min_dpd=old + 1) == set()
    for code in ("normal", "special_mention", "substandard", "doubtful", "loss"):
        assert listed(manager, classification=code) == {i for i, g in grade.items() if g == code}, code
    substandard = {i for i, g in grade.items() if g == "substandard"}
    assert listed(manager, classification="substandard", min_dpd=31, status="active") == substandard & within(31)
    assert listed(manager, classification="substandard", max_dpd=0) == substandard & within(None, 0)

    # the cockpit's figures count what the list it links to holds
    summary = manager.get("/api/v1/dashboard/summary").json()
    assert len(listed(manager, status="active", min_dpd=1)) == summary["portfolio"]["overdue_loans"]
    for threshold, key in ((1, "overdue_principal"), (31, "par30_principal"), (91, "par90_principal")):
        found = listed(manager, status="active", min_dpd=threshold)
        amount = sum((Decimal(l["outstanding_principal"]) for l in loans.values() if l["id"] in found), ZERO)
        assert str(amount) == summary["portfolio"][key], key
    for row in summary["grades"]["by_grade"]:
        assert len(listed(manager, status="active", classification=row["grade"])) == row["loans"], row

    # bad filters: a field error with the field at fault (Chinese by default, English on request), nothing changed
    for params, field, message in [
            ({"min_dpd": "-1"}, "min_dpd", "须在 0 到 99999 之间"),
            ({"max_dpd": "100000"}, "max_dpd", "须在 0 到 99999 之间"),
            ({"min_dpd": "1.5"}, "min_dpd", "不是有效的整数"),
            ({"max_dpd": "３０"}, "max_dpd", "不是有效的整数"),
            ({"min_dpd": "abc"}, "min_dpd", "不是有效的整数"),
            ({"min_dpd": "31", "max_dpd": "30"}, "max_dpd", "不能小于 min_dpd"),
            ({"classification": "bad"}, "classification",
             "须为以下之一：normal, special_mention, substandard, doubtful, loss")]:
        refused = manager.get("/api/v1/loans", params=params)
        assert assert_problem(refused, 422, "VALIDATION_FAILED")["errors"] == {field: [message]}, params
    english = manager.get("/api/v1/loans", params={"min_dpd": "9", "max_dpd": "3"},
                          headers={"Accept-Language": "en"})
    assert assert_problem(english, 422, "VALIDATION_FAILED")["errors"] == {"max_dpd": ["cannot be less than min_dpd"]}

    def state(of):
        return {l["id"]: (l["dpd"], l["classification"], l["outstanding_principal"]) for l in of.values()}
    assert state(details(staff, book)) == state(loans)

    # the data scope stays: a manager of another branch finds none of these, whatever the filter
    role = admin.post("/api/v1/roles", json={"code": unique("other_mgr_"), "name": "其他分公司经理",
                                             "data_scope": "department", "permissions": ["loan.view"]})
    assert role.status_code == 201, role.text
    branch = admin.post("/api/v1/departments", json={"code": unique("NB"), "name": "宁波分公司"}).json()
    _, username, password = create_employee(admin, [role.json()["code"]], department_id=branch["id"])
    other = platform.client(platform.login(username, password))
    assert listed(other, min_dpd=1) == listed(other, classification="substandard") == listed(other) == set()
    everyone = admin.get("/api/v1/loans", params={"min_dpd": 31, "page_size": 100}).json()["items"]
    assert {l["id"] for l in everyone} >= within(31) and all(l["dpd"] >= 31 for l in everyone)
