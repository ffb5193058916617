"""Employees: staff accounts, their roles, department, position and status. Whoever changes an employee holds at
least what that employee holds (check_reach), and places them only where their own data scope reaches."""
import eventlet.tpool
from sqlalchemy import select

from services.common import errors
from services.common.clock import utcnow
from services.common.errors import Conflict, NotFound, field_error
from services.common.pagination import paginate
from services.common.pii import mask_phone
from services.org import domain, events, passwords
from services.org.models import Department, Employee, Position, Role, employee_role
from services.org.usecases.auth import check_password_strength, set_password
from services.org.usecases.checks import actor_departments, check_grant

UNMASK = "org.employees.unmask"


def list_employees(uow, page=1, page_size=20, department_id=None, status=None):
    """One page of the employees the caller's data scope shows, by username (Employee rows as its items)."""
    query = select(Employee).order_by(Employee.username)
    actor = uow.actor
    if actor.department_ids is not None:
        if actor.data_scope == "own":
            query = query.where(Employee.id == actor.user_id)
        else:
            query = query.where(Employee.department_id.in_(actor.department_ids))
    if department_id:
        query = query.where(Employee.department_id == department_id)
    if status:
        query = query.where(Employee.status == status)
    return paginate(uow.session, query, page, page_size)


def role_members(uow, role_code, department_id):
    """The ids of a department's active employees holding a role, sorted (no data scope: a service asks)."""
    return list(uow.session.scalars(
        select(Employee.id).join(employee_role, employee_role.c.employee_id == Employee.id)
        .join(Role, Role.id == employee_role.c.role_id)
        .where(Role.code == role_code, Employee.department_id == department_id, Employee.status == "active")
        .order_by(Employee.id)).all())


def get_employee(uow, employee_id, *, unmask=False):
    """One visible employee; asking to `unmask` their phone needs `org.employees.unmask`, and is audited."""
    employee = visible_employee(uow, employee_id)
    if unmask:
        if not uow.actor.has(UNMASK):
            raise errors.Forbidden(f"seeing a full phone number needs the {UNMASK} permission",
                                   code="PERMISSION_DENIED", extra={"permissions": [UNMASK]})
        uow.audit("unmask_employee", "employee", employee.id, {"fields": ["phone"]})
    return employee


def create_employee(uow, data, *, pii):
    session = uow.session
    if session.scalars(select(Employee).where(Employee.username == data["username"])).first():
        raise Conflict(f"username {data['username']} is taken", code="USERNAME_TAKEN",
                       extra={"username": data["username"]})
    roles = roles_by_code(uow, data["roles"])
    check_department(uow, data["department_id"])
    check_references(uow, data)
    check_password_strength("password", data["password"], data["username"])
    employee = Employee(
        username=data["username"], name=data["name"], phone_enc=pii.encrypt(data["phone"]),
        department_id=data["department_id"], position_id=data["position_id"],
        password_hash=eventlet.tpool.execute(passwords.hash_password, data["password"]),
        must_change_password=data["must_change_password"], roles=roles)
    session.add(employee)
    session.flush()
    uow.audit("create_employee", "employee", employee.id,
              {**_without_password(data), "phone": mask_phone(data["phone"])})
    uow.emit(*events.employee_created(employee))
    return employee


def update_employee(uow, employee_id, data, *, pii):
    """Change an employee within the caller's reach (check_reach). A new password set by someone else is a reset:
    audited as such, and its owner must change it at next login; one's own goes by auth.change_password."""
    employee = visible_employee(uow, employee_id)
    check_reach(uow, employee)
    if "department_id" in data:
        check_department(uow, data["department_id"])
    check_references(uow, data)
    if "password" in data:
        if employee.id == uow.actor.user_id:
            raise errors.Forbidden("change your own password with POST /auth/password, giving the current one",
                                   code="USE_PASSWORD_CHANGE")
        check_password_strength("password", data["password"], employee.username)
    before = _audited(employee, pii)
    if "roles" in data:
        employee.roles = roles_by_code(uow, data["roles"])
    if "phone" in data:
        employee.phone_enc = pii.encrypt(data["phone"])
    for key in ("name", "department_id", "position_id"):
        if key in data:
            setattr(employee, key, data[key])
    if "password" in data:
        set_password(employee, data["password"], must_change=True)
        uow.audit("reset_password", "employee", employee.id, {"must_change_password": True})
    employee.updated_at = utcnow()
    uow.session.flush()
    after = _audited(employee, pii)
    changes = {key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]}
    if changes:
        uow.audit("update_employee", "employee", employee.id, changes)
    uow.emit(*events.employee_updated(employee))
    return employee


def disable_employee(uow, employee_id):
    """Stop an employee from logging in (never oneself); their tokens stop working. Disabling twice is a no-op."""
    employee = visible_employee(uow, employee_id)
    if employee.id == uow.actor.user_id:
        raise errors.RuleViolated("you cannot disable your own account", code="CANNOT_DISABLE_SELF")
    check_reach(uow, employee)
    if employee.status != "disabled":
        domain.EMPLOYEE.move(employee, "disabled")
        employee.disabled_at = utcnow()
        employee.token_version += 1
        uow.audit("disable_employee", "employee", employee.id, {"status": {"from": "active", "to": "disabled"}})
        uow.emit(*events.employee_disabled(employee))
    return employee


def enable_employee(uow, employee_id):
    """Let a disabled employee log in again (their older tokens stay revoked); enabling twice is a no-op."""
    employee = visible_employee(uow, employee_id)
    check_reach(uow, employee)
    if employee.status != "active":
        domain.EMPLOYEE.move(employee, "active")
        employee.disabled_at = None
        employee.updated_at = utcnow()
        uow.audit("enable_employee", "employee", employee.id, {"status": {"from": "disabled", "to": "active"}})
        uow.emit(*events.employee_updated(employee))
    return employee


# -- helpers -------------------------------------------------------------------------------------------
def visible_employee(uow, employee_id):
    employee = uow.session.get(Employee, employee_id)
    if employee is None or not uow.actor.can_see(employee.id, employee.department_id):
        raise NotFound("no such employee", code="EMPLOYEE_NOT_FOUND")
    return employee


def check_references(uow, data):
    session = uow.session
    if data.get("department_id") is not None and session.get(Department, data["department_id"]) is None:
        raise field_error("department_id", "no such department", code="DEPARTMENT_NOT_FOUND")
    if data.get("position_id") is not None and session.get(Position, data["position_id"]) is None:
        raise field_error("position_id", "no such position", code="POSITION_NOT_FOUND")


def roles_by_code(uow, codes):
    """The roles of `codes` (422 `ROLE_NOT_FOUND` naming the unknown ones), each within the caller's grant."""
    codes = sorted(set(codes))
    roles = uow.session.scalars(select(Role).where(Role.code.in_(codes))).all() if codes else []
    missing = sorted(set(codes) - {r.code for r in roles})
    if missing:
        raise field_error("roles", f"unknown role(s): {', '.join(missing)}", code="ROLE_NOT_FOUND",
                          extra={"roles": missing})
    for role in roles:
        check_grant(uow, role.permission_codes, role.data_scope)
    return list(roles)


def check_reach(uow, employee):
    """No takeover: whoever resets the password of, disables, enables or changes an employee holds every
    permission that employee holds, a data scope at least as wide, and sees their department."""
    actor = uow.actor
    permissions, scope = domain.held(employee.roles)
    excess = domain.beyond_reach(actor.permissions, actor.data_scope, actor_departments(actor), permissions, scope,
                                 employee.department_id)
    if excess:
        raise errors.Forbidden(f"this employee holds what you do not: {', '.join(excess)}",
                               code="EMPLOYEE_EXCEEDS_OWN", extra={"excess": excess})


def check_department(uow, department_id):
    """An employee is placed only in a department the caller's data scope covers."""
    departments = actor_departments(uow.actor)
    if departments is not None and department_id not in departments:
        raise errors.Forbidden("you cannot place an employee in a department outside your data scope",
                               code="EMPLOYEE_EXCEEDS_OWN", extra={"reason": "department"})


def _audited(employee, pii):
    """What an update may change, as the audit shows it (the phone masked)."""
    return {"name": employee.name, "phone": mask_phone(pii.decrypt(employee.phone_enc)),
            "department_id": employee.department_id, "position_id": employee.position_id,
            "roles": [role.code for role in employee.roles]}


def _without_password(data):
    return {k: v for k, v in data.items() if k != "password"}
