"""The org service's use cases on the real unit of work (tests/fakes.py): what they store, announce and audit, and
that a refusal writes nothing."""
import pytest
from sqlalchemy import func, select

from services.common.errors import DomainError
from services.common.pii import PiiCipher
from services.org import domain, passwords
from services.org.models import Base, Department, Employee, LoginAttempt, Role, RolePermission
from services.org.usecases import auth, departments, employees, roles
from tests.fakes import FakeUnitOfWork, actor

PII = PiiCipher(b"k" * 32)
PASSWORD = "Lantern-Harbour-42"
ADMIN = actor("e-admin", username="admin", permissions=tuple(domain.PERMISSIONS), department_id="hq")


@pytest.fixture
def uow():
    """An org database with a head office, a branch under it, and the built-in roles."""
    unit = FakeUnitOfWork("org", Base.metadata, ADMIN)
    unit.session.add_all([Department(id="hq", code="HQ", name="总部"),
                          Department(id="cd", code="CD", name="成都分公司", parent_id="hq")])
    unit.session.add_all([Role(code=r.code, name=r.name, data_scope=r.data_scope, builtin=True,
                               permissions=[RolePermission(permission=p) for p in r.permissions])
                          for r in domain.BUILTIN_ROLES])
    unit.commit()
    return unit


def an_employee(uow, username="li.officer", roles_=("loan_officer",), department_id="cd", **extra):
    data = {"username": username, "password": PASSWORD, "name": "李四", "phone": "13812345678",
            "department_id": department_id, "position_id": None, "roles": list(roles_),
            "must_change_password": False, **extra}
    employee = employees.create_employee(uow, data, pii=PII)
    uow.commit()
    return employee


def refused(code, call, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


def count(uow, model):
    return uow.session.scalar(select(func.count()).select_from(model))


def test_a_new_employee_is_stored_with_an_encrypted_phone_a_hashed_password_announced_and_audited(uow):
    employee = an_employee(uow)

    stored = uow.session.scalars(select(Employee).where(Employee.username == "li.officer")).one()
    assert stored.id == employee.id and stored.department_id == "cd"
    assert [role.code for role in stored.roles] == ["loan_officer"]
    assert "13812345678" not in stored.phone_enc and PII.decrypt(stored.phone_enc) == "13812345678"
    assert PASSWORD not in stored.password_hash and passwords.verify_password(PASSWORD, stored.password_hash)
    assert uow.events("org.employee_created") == [
        {"employee_id": employee.id, "username": "li.officer", "department_id": "cd"}]
    [(_, target, target_id, changes)] = uow.audits("create_employee")
    assert (target, target_id) == ("employee", employee.id)
    assert changes["phone"] == "138****5678" and "password" not in changes


def test_a_taken_username_is_refused_and_nothing_is_written(uow):
    an_employee(uow)
    before = (count(uow, Employee), len(uow.emitted), len(uow.audits()))

    error = refused("USERNAME_TAKEN", employees.create_employee, uow,
                    {"username": "li.officer", "password": PASSWORD, "name": "另一个李四", "phone": None,
                     "department_id": "hq", "position_id": None, "roles": [], "must_change_password": False},
                    pii=PII)
    uow.rollback()

    assert error.status == 409
    assert (count(uow, Employee), len(uow.emitted), len(uow.audits())) == before


def test_nobody_creates_a_role_granting_more_than_they_hold(uow):
    officer = an_employee(uow)
    uow.as_(actor(officer.id, permissions=domain.BUILTIN_ROLES[1].permissions, data_scope="own",
                  department_id="cd"))
    before = (count(uow, Role), len(uow.audits()))

    error = refused("GRANT_EXCEEDS_OWN", roles.create_role, uow,
                    {"code": "sneaky", "name": "越权", "permissions": ["customer.view", "loan.approve.second"],
                     "data_scope": "all"})
    uow.rollback()

    assert error.extra["excess"] == ["loan.approve.second", "data_scope:all"]
    assert (count(uow, Role), len(uow.audits())) == before and uow.events("org.role_updated") == []


def test_a_role_change_is_stored_announced_and_audited_but_the_admin_role_keeps_every_permission(uow):
    auditor = uow.session.scalars(select(Role).where(Role.code == "auditor")).one()

    roles.update_role(uow, auditor.id, {"name": "审计", "permissions": ["loan.view", "audit.view"]})
    uow.commit()

    assert uow.session.get(Role, auditor.id).permission_codes == ["audit.view", "loan.view"]
    assert uow.events("org.role_updated") == [{"role_id": auditor.id, "code": "auditor"}]
    assert [a[2] for a in uow.audits("update_role")] == [auditor.id]
    admin = uow.session.scalars(select(Role).where(Role.code == "admin")).one()
    refused("ADMIN_ROLE_FIXED", roles.update_role, uow, admin.id, {"permissions": ["loan.view"]})
    uow.rollback()
    assert len(uow.session.get(Role, admin.id).permission_codes) == len(domain.PERMISSIONS)


def test_a_department_moved_under_its_own_branch_is_refused_and_a_real_move_is_announced(uow):
    refused("DEPARTMENT_CYCLE", departments.update_department, uow, "hq", {"parent_id": "cd"})
    uow.rollback()
    assert uow.session.get(Department, "hq").parent_id is None and uow.events() == []

    bj = departments.create_department(uow, {"code": "BJ", "name": "北京分公司", "parent_id": "hq"})
    departments.update_department(uow, "cd", {"parent_id": bj.id, "name": "成都分公司"})
    uow.commit()

    assert uow.session.get(Department, "cd").parent_id == bj.id
    assert uow.events("org.department_updated") == [{"department_id": "cd", "fields": ["parent_id"]}]
    [(_, _, _, changes)] = uow.audits("update_department")
    assert changes == {"parent_id": {"from": "hq", "to": bj.id}}


def test_wrong_passwords_are_counted_even_though_the_login_fails_until_the_pair_is_locked(uow):
    an_employee(uow)
    for _ in range(domain.PER_ADDRESS_AND_USERNAME.max_failures):
        refused("BAD_CREDENTIALS", auth.authenticate, uow, "li.officer", "not-it", client_address="10.0.0.9")
        uow.rollback()  # as the entrypoint would: the failure was committed before the call raised

    assert uow.session.get(LoginAttempt, "pair:10.0.0.9|li.officer").failures == 5
    assert len(uow.audits("login_failed")) == 5
    error = refused("LOGIN_THROTTLED", auth.authenticate, uow, "li.officer", PASSWORD, client_address="10.0.0.9")
    assert int(error.errors["retry_after"][0]) > 0
    uow.rollback()
    assert uow.audits("login") == []

    employee, access = auth.authenticate(uow, " LI.Officer ", PASSWORD, client_address="10.0.0.10")
    uow.commit()
    assert employee.username == "li.officer" and access.data_scope == "own" and access.department_ids == {"cd"}
    assert "loan.apply" in access.permissions
    assert uow.session.get(LoginAttempt, "user:li.officer") is None  # the owner got in: their count starts again
    assert uow.session.get(LoginAttempt, "pair:10.0.0.9|li.officer") is not None  # another address's pair stays


def test_a_disabled_employee_loses_their_principal_and_nobody_disables_themselves(uow):
    employee = an_employee(uow)
    version = employee.token_version

    employees.disable_employee(uow, employee.id)
    uow.commit()

    stored = uow.session.get(Employee, employee.id)
    assert stored.status == "disabled" and stored.token_version == version + 1
    [payload] = uow.events("org.employee_disabled")
    assert payload == {"employee_id": employee.id, "username": "li.officer",
                       "disabled_at": stored.disabled_at.isoformat()}
    refused("ACCOUNT_DISABLED", auth.get_principal, uow, employee.id)
    refused("CANNOT_DISABLE_SELF", employees.disable_employee, uow.as_(actor(employee.id)), employee.id)


def test_an_employee_holding_more_than_the_caller_is_out_of_their_reach(uow):
    admin = an_employee(uow, "wang.admin", roles_=("admin",), department_id="hq")
    uow.as_(actor("e-hr", permissions=("org.employees.manage", "org.employees.view"), department_id="hq"))

    error = refused("EMPLOYEE_EXCEEDS_OWN", employees.update_employee, uow, admin.id,
                    {"password": "Another-Secret-77"}, pii=PII)
    uow.rollback()

    assert "loan.approve.second" in error.extra["excess"]
    assert passwords.verify_password(PASSWORD, uow.session.get(Employee, admin.id).password_hash)
    assert uow.audits("reset_password") == [] and uow.events("org.employee_updated") == []


def test_a_reset_password_must_be_changed_and_a_full_phone_needs_its_permission(uow):
    employee = an_employee(uow)

    employees.update_employee(uow, employee.id, {"password": "Reset-By-Admin-31", "phone": "13900001111"}, pii=PII)
    uow.commit()

    stored = uow.session.get(Employee, employee.id)
    assert stored.must_change_password and passwords.verify_password("Reset-By-Admin-31", stored.password_hash)
    [(_, _, _, changes)] = uow.audits("update_employee")
    assert changes == {"phone": {"from": "138****5678", "to": "139****1111"}}
    assert uow.events("org.employee_updated") == [{"employee_id": employee.id}]
    refused("PERMISSION_DENIED", employees.get_employee, uow.as_(actor("e-clerk", permissions=("org.employees.view",))),
            employee.id, unmask=True)
    assert uow.audits("unmask_employee") == []
