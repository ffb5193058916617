"""The demo book's pure parts (scripts/demo.py): every identity it generates passes the owning service's own
validator, its stories land where the demo promises, and `make run` decides when to seed it."""
import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest

from services.collateral import domain as collateral
from services.collection import domain as collection
from services.customer import domain as customer
from services.org import domain as org

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def load(name):
    spec = importlib.util.spec_from_file_location(f"{name}_script", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


demo, run = load("demo"), load("run")
DAY = dt.date(2026, 12, 3)


@pytest.fixture(scope="module", params=[1, 20261203, 4_294_967_295])
def plan(request):
    return demo.plan_book(request.param, DAY)


def test_resident_id_numbers_pass_the_customer_services_check_and_carry_birth_date_and_sex():
    for sequence in range(0, 1000, 37):
        for male in (True, False):
            number = demo.id_number("330106", dt.date(1985, 2, 28), sequence, male)
            assert customer.id_number_problem(number, today=DAY) is None, number
            assert number[6:14] == "19850228" and int(number[16]) % 2 == (1 if male else 0)


def test_credit_codes_pass_the_customer_services_check_without_a_warning():
    for body in ("MA2B3C4D", "12345678", "MA27XYQ1", "00000000"):
        code = demo.uscc("330100", body)
        assert customer.uscc_problem(code) == (None, None), code
        assert code.startswith("91330100") and code[8:16] == body


def test_vins_carry_the_check_digit_the_collateral_service_expects():
    # the worked example of the North American standard the Chinese one follows: check digit X
    assert demo.vin("1M8", "GDM9A", 2019, "P", 42788) == "1M8GDM9AXKP042788"
    for serial in range(0, 10 ** 6, 7919):
        for car in demo.CARS.values():
            number = demo.vin(car.wmi, car.vds, 2023, car.plant, serial)
            assert collateral.vin_problem(number) is None, number
            assert number[9] == "P"  # model year 2023


def test_every_generated_value_of_the_book_is_valid_and_none_repeats(plan):
    ids = [plan[p.key]["id_number"] for p in demo.PERSONS] + [plan[e.key]["representative_id"]
                                                              for e in demo.ENTERPRISES]
    assert all(customer.id_number_problem(number, today=DAY) is None for number in ids)
    assert all(customer.uscc_problem(plan[e.key]["uscc"]) == (None, None) for e in demo.ENTERPRISES)
    phones = [plan[p.key]["phone"] for p in (*demo.PERSONS, *demo.ENTERPRISES)] + [
        plan[username] for _, _, username, *_ in demo.STAFF]
    assert all(customer.phone_problem(number) is None for number in phones)
    cars = [value for key, value in plan.items() if key.startswith("car:")]
    assert len(cars) == len(demo.STORIES) + len(demo.PENDING_VALUATIONS)
    for car in cars:
        assert collateral.vin_problem(car["vin"]) is None, car
        assert collateral.plate_problem(car["plate"]) is None, car
        assert collateral.imei_problem(car["imei"]) is None, car
        assert len(car["card"]) == 19 and demo.luhn(car["card"][:-1]) == car["card"]
    for field in ("vin", "plate", "imei", "card"):
        assert len({car[field] for car in cars}) == len(cars), field
    assert len(set(ids)) == len(ids) and len(set(phones)) == len(phones)


def test_the_same_seed_draws_the_same_book_so_a_resumed_seeding_finds_its_own_customers():
    assert demo.plan_book(7, DAY) == demo.plan_book(7, DAY)
    assert demo.plan_book(7, DAY) != demo.plan_book(8, DAY)


def test_staff_passwords_are_strong_random_and_unlike_each_other():
    passwords = {demo.password() for _ in range(200)}
    assert len(passwords) == 200
    for secret in list(passwords)[:50]:
        assert org.password_problem(secret, "zhang.wei") is None, secret


def test_one_account_per_built_in_role_and_two_where_a_checker_must_be_someone_else():
    roles = [role for _, role, *_ in demo.STAFF]
    assert set(roles) == {role.code for role in org.BUILTIN_ROLES}
    for role in ("risk_reviewer", "approver", "appraiser", "finance_reviewer", "collector", "loan_officer"):
        assert roles.count(role) == 2, role
    assert len({username for _, _, username, *_ in demo.STAFF}) == len(demo.STAFF)


def test_stories_fit_their_products_and_cars_and_their_late_loans_cover_three_grades():
    products = {p["code"]: p for p in demo.PRODUCTS}
    for story in demo.STORIES:
        product = products[story.product]
        amount = Decimal(story.amount)
        assert Decimal(product["min_amount"]) <= amount <= Decimal(product["max_amount"]), story.key
        assert product["min_term_months"] <= story.term <= product["max_term_months"], story.key
        assert amount <= Decimal(story.value) * Decimal(product["max_ltv"]), story.key
    grades = set()
    for story in demo.STORIES:
        if story.disbursed:
            late, installment = story.disbursed
            disbursed = demo.add_months(DAY - dt.timedelta(days=late), -installment)
            due = demo.add_months(disbursed, story.paid + 1)  # the oldest installment left unpaid
            grades.add(collection.dpd_floor((DAY - due).days))
    assert {"special_mention", "substandard", "doubtful"} <= grades


def test_the_staff_table_reads_back_as_written():
    rows = [("角色", "用户名", "密码", "姓名", "部门"), ("loan_officer", "zhang.wei", "Ab3#defGhjk9", "张伟", "杭州分公司"),
            ("gps_platform", "gps.platform", "x-Y2z?Pq7", "GPS平台接口", "总部")]
    text = "# comment\n" + demo.table(rows)
    assert demo.parse_users(text) == [dict(zip(("role", "username", "password", "name", "department"), row))
                                      for row in rows[1:]]
    lines = text.splitlines()[1:]
    # columns line up on screen: Chinese characters take two cells
    assert len({demo.display_width(line.split("zhang.wei")[0]) for line in lines if "zhang.wei" in line}) == 1
    assert demo.display_width(lines[1][:lines[1].index("zhang.wei")]) == demo.display_width(
        lines[2][:lines[2].index("gps.platform")])


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert demo.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert demo.add_months(dt.date(2026, 12, 3), -12) == dt.date(2025, 12, 3)
    assert demo.add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)


def test_production_refuses_before_asking_the_platform_anything(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CARLOAN_ENV", "production")
    monkeypatch.setattr(demo.urllib.request, "urlopen", lambda *a, **k: pytest.fail("no request in production"))
    assert demo.main(["--url", "http://127.0.0.1:9", "--data-dir", str(tmp_path)]) == 2
    assert "never seeded in production" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("env, marker, seeds", [
    ({}, False, True),
    ({"CARLOAN_DEMO": "1"}, False, True),
    ({}, True, False),  # seeded already (or settled as not wanted)
    ({"CARLOAN_DEMO": "0"}, False, False),
    ({"CARLOAN_DEMO": "false"}, False, False),
    ({"CARLOAN_ENV": "production"}, False, False),
    ({"CARLOAN_ENV": "production", "CARLOAN_DEMO": "1"}, False, False),
])
def test_make_run_seeds_the_demo_book_only_on_a_new_data_directory_and_never_in_production(
        tmp_path, monkeypatch, env, marker, seeds):
    for name in ("CARLOAN_DEMO", "CARLOAN_ENV"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if marker:
        (tmp_path / "demo-seeded").write_text("seeded\n")
    wanted, why_not = run.DemoBook.wanted(tmp_path)
    assert wanted is seeds
    assert (why_not is not None) == (env == {"CARLOAN_ENV": "production", "CARLOAN_DEMO": "1"})


def test_make_run_prints_the_demo_staff_at_every_start_once_the_book_is_seeded(tmp_path, capsys):
    run.show_demo_users(tmp_path)
    assert capsys.readouterr().out == ""  # no demo book (CARLOAN_DEMO=0, or not seeded yet): nothing to show
    rows = [("角色", "用户名", "密码", "姓名", "部门"), ("collector", "ma.chao", "Xy7#kLmN2pQr", "马超", "杭州分公司")]
    (tmp_path / "demo-users").write_text("# 演示账号\n" + demo.table(rows))
    run.show_demo_users(tmp_path)
    out = capsys.readouterr().out
    assert "演示账号" not in out and "ma.chao" in out and "Xy7#kLmN2pQr" in out and "杭州分公司" in out
