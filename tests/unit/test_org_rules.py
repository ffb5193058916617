import datetime as dt

from services.common.context import Actor
from services.org import domain

TREE = {"hq": None, "cd": "hq", "cd-1": "cd", "cd-2": "cd", "bj": "hq"}


def test_scope_all_sees_every_department():
    assert domain.visible_departments("all", "cd", TREE) is None


def test_department_tree_scope_includes_sub_departments_only():
    assert domain.visible_departments("department_tree", "cd", TREE) == {"cd", "cd-1", "cd-2"}


def test_department_scope_is_the_own_department_only():
    assert domain.visible_departments("department", "cd", TREE) == {"cd"}


def test_an_employee_with_several_roles_gets_the_widest_scope():
    assert domain.widest_scope(["own", "department_tree", "department"]) == "department_tree"
    assert domain.widest_scope([]) == "own"


def test_own_scope_sees_only_own_objects():
    actor = Actor("u1", "zhang", department_id="cd", data_scope="own", department_ids=("cd",))
    assert actor.can_see(owner_id="u1", department_id="cd")
    assert not actor.can_see(owner_id="u2", department_id="cd")


def test_department_scope_sees_department_objects_but_not_other_departments():
    actor = Actor("u1", "li", department_id="cd", data_scope="department_tree",
                  department_ids=("cd", "cd-1"))
    assert actor.can_see(owner_id="u9", department_id="cd-1")
    assert not actor.can_see(owner_id="u9", department_id="bj")


def test_actor_round_trips_through_context_data():
    actor = Actor("u1", "li", "cd", "department", ("risk_reviewer",), ("loan.view",), ("cd",))
    assert Actor.from_dict(actor.to_dict()) == actor


def test_builtin_roles_use_only_catalogued_permissions():
    for role in domain.BUILTIN_ROLES:
        assert domain.unknown_permissions(role.permissions) == [], role.code
        assert role.data_scope in domain.DATA_SCOPES


def test_builtin_roles_are_those_of_the_api_contract():
    assert {r.code for r in domain.BUILTIN_ROLES} == {
        "admin", "loan_officer", "risk_reviewer", "approver", "appraiser", "finance_clerk",
        "finance_reviewer", "collateral_clerk", "collector", "post_loan_manager", "auditor",
        "gps_platform"}  # beyond the contract: the GPS platform's service account reports alerts only


def test_loan_officer_cannot_manage_employees_but_admin_can():
    roles = {r.code: r for r in domain.BUILTIN_ROLES}
    assert "org.employees.manage" not in roles["loan_officer"].permissions
    assert "org.employees.manage" in roles["admin"].permissions


def test_fifth_failed_login_in_the_window_locks_the_username():
    now = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.timezone.utc)
    throttle = domain.LoginThrottle()
    for i in range(4):
        throttle = throttle.after_failure(now + dt.timedelta(seconds=i))
        assert not throttle.locked(now + dt.timedelta(seconds=i))
    throttle = throttle.after_failure(now + dt.timedelta(seconds=5))
    assert throttle.locked(now + dt.timedelta(minutes=14))
    assert not throttle.locked(now + dt.timedelta(minutes=16))


def test_failures_spread_beyond_the_window_do_not_lock():
    now = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.timezone.utc)
    throttle = domain.LoginThrottle()
    for i in range(10):
        throttle = throttle.after_failure(now + dt.timedelta(minutes=4 * i))
    assert not throttle.locked(now + dt.timedelta(minutes=36))


def test_nobody_grants_a_permission_or_scope_they_do_not_hold():
    mine = ["org.employees.view", "org.employees.manage"]
    assert domain.beyond_grant(mine, "department", ["org.employees.view"], "own") == []
    assert domain.beyond_grant(mine, "department", ["org.roles.manage"], "department") == ["org.roles.manage"]
    assert domain.beyond_grant(mine, "department", [], "all") == ["data_scope:all"]


def test_nobody_changes_an_employee_holding_more_than_they_do():
    hr = ["org.employees.view", "org.employees.manage", "org.departments.view"]
    assert domain.beyond_reach(hr, "department", {"cd"}, ["org.departments.view"], "own", "cd") == []
    assert domain.beyond_reach(hr, "all", None, ["finance.manage", "org.employees.view"], "all", "bj") == \
        ["finance.manage"]
    assert domain.beyond_reach(hr, "department", {"cd"}, [], "department_tree", "cd") == ["data_scope:department_tree"]
    assert domain.beyond_reach(hr, "department", {"cd"}, [], "own", "bj") == ["department:bj"]
    assert domain.beyond_reach(hr, "department", {"cd"}, [], "own", None) == ["department:None"]
    admin = {r.code: r for r in domain.BUILTIN_ROLES}["admin"]
    assert domain.beyond_reach(admin.permissions, "all", None, hr, "all", "bj") == []


def test_five_failures_lock_one_address_and_username_but_the_username_alone_only_backs_off_later():
    now = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.timezone.utc)
    counters = domain.login_counters("203.0.113.9", "admin")
    assert counters == {"pair:203.0.113.9|admin": domain.PER_ADDRESS_AND_USERNAME,
                        "address:203.0.113.9": domain.PER_ADDRESS, "user:admin": domain.PER_USERNAME}
    throttles = dict.fromkeys(counters, domain.LoginThrottle())
    for i in range(5):
        throttles = {key: t.after_failure(now + dt.timedelta(seconds=i), counters[key])
                     for key, t in throttles.items()}
    later = now + dt.timedelta(seconds=10)
    assert throttles["pair:203.0.113.9|admin"].locked(later)
    assert not throttles["user:admin"].locked(later)  # the owner, elsewhere, still gets in
    assert not throttles["address:203.0.113.9"].locked(later)
    assert domain.login_counters(None, "admin")["pair:-|admin"] is domain.PER_ADDRESS_AND_USERNAME


def test_one_address_failing_over_many_usernames_is_locked_at_the_twentieth():
    now = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.timezone.utc)
    throttle = domain.LoginThrottle()
    for i in range(19):
        throttle = throttle.after_failure(now + dt.timedelta(seconds=i), domain.PER_ADDRESS)
    assert not throttle.locked(now + dt.timedelta(seconds=20))
    throttle = throttle.after_failure(now + dt.timedelta(seconds=20), domain.PER_ADDRESS)
    assert throttle.locked(now + dt.timedelta(minutes=14))


def test_a_distributed_guess_at_one_username_backs_off_doubling_to_fifteen_minutes():
    policy, now = domain.PER_USERNAME, dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.timezone.utc)
    assert [policy.lockout_after(n) for n in (9, 10, 11, 12, 14, 30)] == [
        None, dt.timedelta(minutes=1), dt.timedelta(minutes=2), dt.timedelta(minutes=4),
        dt.timedelta(minutes=15), dt.timedelta(minutes=15)]
    throttle = domain.LoginThrottle()
    for i in range(10):
        throttle = throttle.after_failure(now + dt.timedelta(seconds=i), policy)
    assert throttle.locked(now + dt.timedelta(seconds=30))
    assert not throttle.locked(now + dt.timedelta(seconds=70))


def test_codes_and_usernames_are_whole_ascii_values_without_a_trailing_newline():
    from marshmallow import ValidationError

    from services.org.schemas import CODE, USERNAME
    assert CODE("HQ-01") == "HQ-01" and USERNAME("li.ming") == "li.ming"
    for validator, value in ((CODE, "HQ\n"), (USERNAME, "admin\n"), (USERNAME, "ａｄｍｉｎ"), (CODE, "总部")):
        try:
            validator(value)
        except ValidationError:
            continue
        raise AssertionError(f"{value!r} was accepted")
