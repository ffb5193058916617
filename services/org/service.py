"""Nameko entrypoints of the organisation service: thin, each loads input, calls the rules, dumps output."""
import eventlet.tpool
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.common import audit, errors
from services.common.clock import utcnow
from services.common.db import UnitOfWork
from services.common.errors import Conflict, NotFound, RateLimited, Unauthenticated, field_error
from services.common.pagination import paginate
from services.common.pii import Pii, mask_phone
from services.common.rpc import rpc
from services.common.schemas import load
from services.common.service import ServiceBase
from services.org import domain, passwords
from services.org.models import (Base, Department, Employee, LoginAttempt, Position, Role, RolePermission,
                                 employee_role)
from services.org.schemas import (DepartmentIn, DepartmentOut, DepartmentPatch, EmployeeIn, EmployeeOut,
                                  EmployeePatch, PasswordChange, PositionIn, PositionOut, PositionPatch, RefusalIn,
                                  RoleIn, RoleOut, RolePatch)

UNMASK = "org.employees.unmask"


class OrgService(ServiceBase):
    name = "org"
    uow = UnitOfWork(Base.metadata)
    pii = Pii()

    # -- authentication ------------------------------------------------------------------------
    @rpc(services=("gateway",), employees=False)
    def authenticate(self, username, password, client_address=None):
        """Check a login; returns the principal. Failed attempts are throttled per address and username, per
        address, and (more slowly) per username: domain.login_counters. Both outcomes are audited as the employee
        (or the name tried), with the client address the gateway saw."""
        session, now = self.uow.session, utcnow()
        username = (username or "").strip().lower()[:100]
        if "\x00" in username:
            raise Unauthenticated("wrong username or password", code="BAD_CREDENTIALS")
        counters = domain.login_counters(client_address, username)
        self._refuse_if_throttled(counters, now)
        employee = session.scalars(select(Employee).where(Employee.username == username)).first()
        hashed = employee.password_hash if employee else passwords.DUMMY_HASH
        valid = eventlet.tpool.execute(passwords.verify_password, password or "", hashed)
        if not valid or employee is None or employee.status != "active":
            self._count_failure(counters, now)
            self.uow.audit("login_failed", "employee", employee.id if employee else None,
                           {"username": username}, client_address=client_address,
                           actor=_login_actor(employee) if employee else {"user_id": "anonymous",
                                                                           "username": username or "anonymous"})
            # The failure is recorded even though the call raises.
            self.uow.commit()
            raise Unauthenticated("wrong username or password", code="BAD_CREDENTIALS")
        # The owner got in: their account's counts start again (the address's own count stays).
        session.execute(delete(LoginAttempt).where(LoginAttempt.key.in_(
            [key for key in counters if not key.startswith("address:")])))
        self.uow.audit("login", "employee", employee.id, {"username": username}, client_address=client_address,
                       actor=_login_actor(employee))
        return self._principal(employee)

    @rpc
    def change_password(self, data, client_address=None):
        """The logged-in employee replaces their own password, proving it is them with the current one (wrong
        guesses count as failed logins). Older tokens stop working; a forced change is thereby done."""
        data = load(PasswordChange(), data)
        session, now = self.uow.session, utcnow()
        employee = session.get(Employee, self.uow.actor.user_id)
        if employee is None or employee.status != "active":
            raise Unauthenticated("the account is disabled or unknown", code="ACCOUNT_DISABLED")
        counters = domain.login_counters(client_address, employee.username)
        self._refuse_if_throttled(counters, now)
        if not eventlet.tpool.execute(passwords.verify_password, data["old_password"], employee.password_hash):
            self._count_failure(counters, now)
            self.uow.audit("change_password_failed", "employee", employee.id, {}, client_address=client_address)
            self.uow.commit()  # the failure is counted even though the call raises
            raise field_error("old_password", "not your current password", code="WRONG_PASSWORD")
        problem = domain.password_problem(data["new_password"], employee.username)
        if problem is None and data["new_password"] == data["old_password"]:
            problem = "must differ from the current password"
        if problem:
            raise field_error("new_password", problem, code="PASSWORD_TOO_WEAK")
        forced = employee.must_change_password
        self._set_password(employee, data["new_password"], must_change=False)
        self.uow.audit("change_password", "employee", employee.id, {"was_forced": forced},
                       client_address=client_address)
        self.uow.emit("employee_updated", {"employee_id": employee.id})
        return self._principal(employee)

    @rpc(services=("gateway",), employees=False)
    def get_principal(self, employee_id):
        employee = self.uow.session.get(Employee, employee_id)
        if employee is None or employee.status != "active":
            raise Unauthenticated("the account is disabled or unknown", code="ACCOUNT_DISABLED")
        return self._principal(employee)

    @rpc(services=("gateway",), employees=False)
    def record_audit(self, record):
        """A refusal the gateway answered (403): recorded in the org service's audit log, with who was refused,
        from which address, and what they asked for. Only the gateway, on its own account, may call this."""
        record = load(RefusalIn(), record)
        self.uow.audit("refused", record["entity_type"], record["entity_id"], record["changes"],
                       actor=record["actor"], client_address=record["client_address"])
        return {"recorded": True}

    # -- departments and positions -------------------------------------------------------------
    @rpc
    def list_departments(self, page=1, page_size=20):
        query = select(Department).order_by(Department.code)
        return paginate(self.uow.session, query, page, page_size, DepartmentOut().dump)

    @rpc
    def create_department(self, data):
        data = load(DepartmentIn(), data)
        session = self.uow.session
        self._ensure_code_free(Department, data["code"], "DEPARTMENT_CODE_TAKEN")
        if data["parent_id"] is not None and session.get(Department, data["parent_id"]) is None:
            raise field_error("parent_id", "no such department", code="DEPARTMENT_NOT_FOUND")
        department = Department(**data)
        session.add(department)
        session.flush()
        self.uow.audit("create_department", "department", department.id, data)
        return DepartmentOut().dump(department)

    @rpc
    def get_department(self, department_id):
        return DepartmentOut().dump(self._department(department_id))

    @rpc
    def update_department(self, department_id, data):
        """Rename, recode or move a department. A move under itself or one of its descendants is refused (422
        `DEPARTMENT_CYCLE`); a move changes what `department_tree` scopes cover, so every cached principal is
        dropped (`org.department_updated`)."""
        data = load(DepartmentPatch(), data)
        session = self.uow.session
        if "parent_id" in data:
            # Two moves at once (A under B, B under A) could each pass the check alone: a move locks the whole
            # tree, in id order, so moves queue and each sees the tree the one before it left.
            parent_of = dict(session.execute(select(Department.id, Department.parent_id)
                                             .order_by(Department.id).with_for_update()).all())
        department = self._department(department_id, lock=True)
        if data.get("code", department.code) != department.code:
            self._ensure_code_free(Department, data["code"], "DEPARTMENT_CODE_TAKEN")
        if "parent_id" in data and data["parent_id"] != department.parent_id:
            if data["parent_id"] not in parent_of and data["parent_id"] is not None:
                raise field_error("parent_id", "no such department", code="DEPARTMENT_NOT_FOUND")
            problem = domain.move_problem(department.id, data["parent_id"], parent_of)
            if problem:
                raise field_error("parent_id", problem, code="DEPARTMENT_CYCLE")
        before = DepartmentOut(only=("code", "name", "parent_id")).dump(department)
        for key, value in data.items():
            setattr(department, key, value)
        session.flush()
        changes = audit.changes(before, DepartmentOut(only=("code", "name", "parent_id")).dump(department))
        if changes:
            self.uow.audit("update_department", "department", department.id, changes)
            self.uow.emit("department_updated", {"department_id": department.id, "fields": sorted(changes)})
        return DepartmentOut().dump(department)

    @rpc
    def list_positions(self, page=1, page_size=20):
        query = select(Position).order_by(Position.code)
        return paginate(self.uow.session, query, page, page_size, PositionOut().dump)

    @rpc
    def create_position(self, data):
        data = load(PositionIn(), data)
        self._ensure_code_free(Position, data["code"], "POSITION_CODE_TAKEN")
        position = Position(**data)
        self.uow.session.add(position)
        self.uow.session.flush()
        self.uow.audit("create_position", "position", position.id, data)
        return PositionOut().dump(position)

    @rpc
    def update_position(self, position_id, data):
        data = load(PositionPatch(), data)
        position = self.uow.session.get(Position, position_id, with_for_update=True)
        if position is None:
            raise NotFound("no such position", code="POSITION_NOT_FOUND")
        changes = audit.changes({"name": position.name}, data)
        if changes:
            position.name = data["name"]
            self.uow.audit("update_position", "position", position.id, changes)
        return PositionOut().dump(position)

    # -- permissions and roles -----------------------------------------------------------------
    @rpc
    def list_permissions(self):
        return [{"code": code, "name": label} for code, label in domain.PERMISSIONS.items()]

    @rpc
    def list_roles(self, page=1, page_size=20):
        query = select(Role).order_by(Role.code)
        return paginate(self.uow.session, query, page, page_size, RoleOut().dump)

    @rpc
    def create_role(self, data):
        data = load(RoleIn(), data)
        session = self.uow.session
        _check_permissions(data["permissions"])
        self._check_grant(data["permissions"], data["data_scope"])
        self._ensure_code_free(Role, data["code"], "ROLE_CODE_TAKEN")
        role = Role(code=data["code"], name=data["name"], data_scope=data["data_scope"],
                    permissions=[RolePermission(permission=p) for p in sorted(set(data["permissions"]))])
        session.add(role)
        session.flush()
        self.uow.audit("create_role", "role", role.id, data)
        return RoleOut().dump(role)

    @rpc
    def update_role(self, role_id, data):
        data = load(RolePatch(), data)
        session = self.uow.session
        role = session.get(Role, role_id)
        if role is None:
            raise NotFound("no such role", code="ROLE_NOT_FOUND")
        if role.code == "admin" and "permissions" in data:
            raise errors.RuleViolated("the admin role always holds every permission",
                                      code="ADMIN_ROLE_FIXED")
        self._check_grant(data.get("permissions", ()), data.get("data_scope"))
        if "permissions" in data:
            _check_permissions(data["permissions"])
            role.permissions = [RolePermission(permission=p) for p in sorted(set(data["permissions"]))]
        for key in ("name", "data_scope"):
            if key in data:
                setattr(role, key, data[key])
        role.updated_at = utcnow()
        session.flush()
        self.uow.audit("update_role", "role", role.id, data)
        self.uow.emit("role_updated", {"role_id": role.id, "code": role.code})
        return RoleOut().dump(role)

    # -- employees -----------------------------------------------------------------------------
    @rpc
    def list_employees(self, page=1, page_size=20, department_id=None, status=None):
        query = select(Employee).order_by(Employee.username)
        actor = self.uow.actor
        if actor.department_ids is not None:
            if actor.data_scope == "own":
                query = query.where(Employee.id == actor.user_id)
            else:
                query = query.where(Employee.department_id.in_(actor.department_ids))
        if department_id:
            query = query.where(Employee.department_id == department_id)
        if status:
            query = query.where(Employee.status == status)
        return paginate(self.uow.session, query, page, page_size, self._dump)

    @rpc(services=("collection",))
    def role_members(self, role_code, department_id):
        """Active employees of a department holding a role (e.g. the collectors a collection task is given to,
        round-robin): their ids, sorted. A question between services: no data scope applies."""
        rows = self.uow.session.scalars(
            select(Employee.id).join(employee_role, employee_role.c.employee_id == Employee.id)
            .join(Role, Role.id == employee_role.c.role_id)
            .where(Role.code == role_code, Employee.department_id == department_id, Employee.status == "active")
            .order_by(Employee.id)).all()
        return list(rows)

    @rpc
    def get_employee(self, employee_id, unmask=False):
        """One employee; the phone is masked unless `unmask` is asked for by someone holding
        `org.employees.unmask` (audited), as customers' are."""
        employee = self._visible_employee(employee_id)
        if unmask:
            if not self.uow.actor.has(UNMASK):
                raise errors.Forbidden(f"seeing a full phone number needs the {UNMASK} permission",
                                       code="PERMISSION_DENIED", extra={"permissions": [UNMASK]})
            self.uow.audit("unmask_employee", "employee", employee.id, {"fields": ["phone"]})
        return self._dump(employee, unmask=unmask)

    @rpc
    def create_employee(self, data):
        data = load(EmployeeIn(), data)
        session = self.uow.session
        if session.scalars(select(Employee).where(Employee.username == data["username"])).first():
            raise Conflict(f"username {data['username']} is taken", code="USERNAME_TAKEN",
                           extra={"username": data["username"]})
        roles = self._roles(data["roles"])
        self._check_department(data["department_id"])
        self._check_references(data)
        _check_password_strength("password", data["password"], data["username"])
        employee = Employee(
            username=data["username"], name=data["name"], phone_enc=self.pii.encrypt(data["phone"]),
            department_id=data["department_id"], position_id=data["position_id"],
            password_hash=eventlet.tpool.execute(passwords.hash_password, data["password"]),
            must_change_password=data["must_change_password"], roles=roles)
        session.add(employee)
        session.flush()
        self.uow.audit("create_employee", "employee", employee.id,
                       {**_without_password(data), "phone": mask_phone(data["phone"])})
        self.uow.emit("employee_created", {"employee_id": employee.id, "username": employee.username,
                                           "department_id": employee.department_id})
        return self._dump(employee)

    @rpc
    def update_employee(self, employee_id, data):
        """Change an employee within the caller's reach (_check_reach). A new password set by someone else is a
        reset: audited as such, and its owner must change it at next login; one's own goes by change_password."""
        data = load(EmployeePatch(), data)
        employee = self._visible_employee(employee_id)
        self._check_reach(employee)
        if "department_id" in data:
            self._check_department(data["department_id"])
        self._check_references(data)
        if "password" in data:
            if employee.id == self.uow.actor.user_id:
                raise errors.Forbidden("change your own password with POST /auth/password, giving the current one",
                                       code="USE_PASSWORD_CHANGE")
            _check_password_strength("password", data["password"], employee.username)
        before = self._fields(employee)
        if "roles" in data:
            employee.roles = self._roles(data["roles"])
        if "phone" in data:
            employee.phone_enc = self.pii.encrypt(data["phone"])
        for key in ("name", "department_id", "position_id"):
            if key in data:
                setattr(employee, key, data[key])
        if "password" in data:
            self._set_password(employee, data["password"], must_change=True)
            self.uow.audit("reset_password", "employee", employee.id, {"must_change_password": True})
        employee.updated_at = utcnow()
        self.uow.session.flush()
        after = self._fields(employee)
        changes = {key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]}
        if changes:
            self.uow.audit("update_employee", "employee", employee.id, changes)
        self.uow.emit("employee_updated", {"employee_id": employee.id})
        return self._dump(employee)

    @rpc
    def disable_employee(self, employee_id):
        employee = self._visible_employee(employee_id)
        if employee.id == self.uow.actor.user_id:
            raise errors.RuleViolated("you cannot disable your own account", code="CANNOT_DISABLE_SELF")
        self._check_reach(employee)
        if employee.status != "disabled":
            domain.EMPLOYEE.move(employee, "disabled")
            employee.disabled_at = utcnow()
            employee.token_version += 1
            self.uow.audit("disable_employee", "employee", employee.id, {"status": {"from": "active",
                                                                                   "to": "disabled"}})
            self.uow.emit("employee_disabled", {"employee_id": employee.id, "username": employee.username,
                                                "disabled_at": employee.disabled_at})
        return self._dump(employee)

    @rpc
    def enable_employee(self, employee_id):
        """Let a disabled employee log in again (their older tokens stay revoked); enabling twice is a no-op."""
        employee = self._visible_employee(employee_id)
        self._check_reach(employee)
        if employee.status != "active":
            domain.EMPLOYEE.move(employee, "active")
            employee.disabled_at = None
            employee.updated_at = utcnow()
            self.uow.audit("enable_employee", "employee", employee.id, {"status": {"from": "disabled",
                                                                                 "to": "active"}})
            self.uow.emit("employee_updated", {"employee_id": employee.id})
        return self._dump(employee)

    # -- helpers -------------------------------------------------------------------------------
    def _ensure_code_free(self, model, code, error_code):
        if self.uow.session.scalars(select(model.id).where(model.code == code)).first():
            raise Conflict(f"{model.__tablename__} code {code} already exists", code=error_code, extra={"taken": code})

    def _department(self, department_id, lock=False):
        department = self.uow.session.get(Department, department_id, with_for_update=lock)
        if department is None:
            raise NotFound("no such department", code="DEPARTMENT_NOT_FOUND")
        return department

    def _visible_employee(self, employee_id):
        employee = self.uow.session.get(Employee, employee_id)
        if employee is None or not self.uow.actor.can_see(employee.id, employee.department_id):
            raise NotFound("no such employee", code="EMPLOYEE_NOT_FOUND")
        return employee

    def _check_references(self, data):
        session = self.uow.session
        if data.get("department_id") is not None and session.get(Department, data["department_id"]) is None:
            raise field_error("department_id", "no such department", code="DEPARTMENT_NOT_FOUND")
        if data.get("position_id") is not None and session.get(Position, data["position_id"]) is None:
            raise field_error("position_id", "no such position", code="POSITION_NOT_FOUND")

    def _roles(self, codes):
        codes = sorted(set(codes))
        roles = self.uow.session.scalars(select(Role).where(Role.code.in_(codes))).all() if codes else []
        missing = sorted(set(codes) - {r.code for r in roles})
        if missing:
            raise field_error("roles", f"unknown role(s): {', '.join(missing)}", code="ROLE_NOT_FOUND",
                              extra={"roles": missing})
        for role in roles:
            self._check_grant(role.permission_codes, role.data_scope)
        return list(roles)

    def _check_reach(self, employee):
        """No takeover: whoever resets the password of, disables, enables or changes an employee holds every
        permission that employee holds, a data scope at least as wide, and sees their department."""
        actor = self.uow.actor
        permissions = {p for role in employee.roles for p in role.permission_codes}
        scope = domain.widest_scope(role.data_scope for role in employee.roles)
        excess = domain.beyond_reach(actor.permissions, actor.data_scope, _departments(actor), permissions, scope,
                                     employee.department_id)
        if excess:
            raise errors.Forbidden(f"this employee holds what you do not: {', '.join(excess)}",
                                   code="EMPLOYEE_EXCEEDS_OWN", extra={"excess": excess})

    def _check_department(self, department_id):
        """An employee is placed only in a department the caller's data scope covers."""
        departments = _departments(self.uow.actor)
        if departments is not None and department_id not in departments:
            raise errors.Forbidden("you cannot place an employee in a department outside your data scope",
                                   code="EMPLOYEE_EXCEEDS_OWN", extra={"reason": "department"})

    def _set_password(self, employee, password, must_change):
        employee.password_hash = eventlet.tpool.execute(passwords.hash_password, password)
        employee.must_change_password = must_change
        employee.token_version += 1  # every older token stops working
        employee.updated_at = utcnow()

    def _fields(self, employee):
        """What an update may change, as the audit shows it (the phone masked)."""
        return {"name": employee.name, "phone": mask_phone(self.pii.decrypt(employee.phone_enc)),
                "department_id": employee.department_id, "position_id": employee.position_id,
                "roles": [role.code for role in employee.roles]}

    def _dump(self, employee, unmask=False):
        result = EmployeeOut().dump(employee)
        phone = self.pii.decrypt(employee.phone_enc)
        result["phone"] = phone if unmask else mask_phone(phone)
        return result

    def _refuse_if_throttled(self, counters, now):
        session = self.uow.session
        locked = [attempt.locked_until for attempt in (session.get(LoginAttempt, key) for key in counters)
                  if attempt is not None and _throttle(attempt).locked(now)]
        if locked:
            wait = int((max(locked) - now).total_seconds()) + 1
            raise RateLimited("too many failed logins; try again later", code="LOGIN_THROTTLED",
                              errors={"retry_after": [str(wait)]})

    def _count_failure(self, counters, now):
        """One more failure on each counter, each row locked (in key order: no deadlock) while it is counted."""
        session = self.uow.session
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        for key in sorted(counters):
            session.execute(insert(LoginAttempt.__table__).values(key=key, failures=0)
                            .on_conflict_do_nothing(index_elements=["key"]))
            attempt = session.get(LoginAttempt, key, with_for_update=True, populate_existing=True)
            throttle = _throttle(attempt).after_failure(now, counters[key])
            attempt.failures = throttle.failures
            attempt.window_started_at = throttle.window_started_at
            attempt.locked_until = throttle.locked_until

    def _check_grant(self, permissions, scope=None):
        actor = self.uow.actor
        excess = domain.beyond_grant(actor.permissions, actor.data_scope, permissions, scope)
        if excess:
            raise errors.Forbidden(f"you cannot grant what you do not hold: {', '.join(excess)}",
                                   code="GRANT_EXCEEDS_OWN", extra={"excess": excess})

    def _principal(self, employee):
        permissions = sorted({p for role in employee.roles for p in role.permission_codes})
        scope = domain.widest_scope(role.data_scope for role in employee.roles)
        parent_of = dict(self.uow.session.execute(select(Department.id, Department.parent_id)).all())
        visible = domain.visible_departments(scope, employee.department_id, parent_of)
        return {
            "id": employee.id, "username": employee.username, "name": employee.name,
            "roles": [role.code for role in employee.roles], "permissions": permissions,
            "department_id": employee.department_id, "data_scope": scope,
            "department_ids": None if visible is None else sorted(visible),
            "token_version": employee.token_version,
            "must_change_password": employee.must_change_password,
        }


def _login_actor(employee):
    return {"user_id": employee.id, "username": employee.username, "department_id": employee.department_id}


def _departments(actor):
    return None if actor.department_ids is None else set(actor.department_ids)


def _check_password_strength(field, password, username):
    problem = domain.password_problem(password, username)
    if problem:
        raise field_error(field, problem, code="PASSWORD_TOO_WEAK")


def _throttle(attempt):
    if attempt is None:
        return domain.LoginThrottle()
    return domain.LoginThrottle(attempt.failures, attempt.window_started_at, attempt.locked_until)


def _check_permissions(codes):
    unknown = domain.unknown_permissions(codes)
    if unknown:
        raise field_error("permissions", f"unknown permission(s): {', '.join(unknown)}",
                          code="PERMISSION_UNKNOWN", extra={"permissions": unknown})


def _without_password(data):
    return {k: v for k, v in data.items() if k != "password"}
