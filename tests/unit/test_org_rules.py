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
