"""Nameko entrypoints of the organisation service: each loads its input, calls one use case
(services/org/usecases/) and answers its view (services/org/views.py)."""
from services.common.db import UnitOfWork
from services.common.pii import Pii
from services.common.rpc import rpc
from services.common.schemas import load
from services.common.service import ServiceBase
from services.org import views
from services.org.models import Base
from services.org.schemas import (DepartmentIn, DepartmentPatch, EmployeeIn, EmployeePatch, PasswordChange,
                                  PositionIn, PositionPatch, RefusalIn, RoleIn, RolePatch)
from services.org.usecases import auth, departments, employees, positions, roles


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
        return views.principal(*auth.authenticate(self.uow, username, password, client_address=client_address))

    @rpc
    def change_password(self, data, client_address=None):
        """The logged-in employee replaces their own password, proving it is them with the current one (wrong
        guesses count as failed logins). Older tokens stop working; a forced change is thereby done."""
        data = load(PasswordChange(), data)
        return views.principal(*auth.change_password(self.uow, data, client_address=client_address))

    @rpc(services=("gateway",), employees=False)
    def get_principal(self, employee_id):
        return views.principal(*auth.get_principal(self.uow, employee_id))

    @rpc(services=("gateway",), employees=False)
    def record_audit(self, record):
        """A refusal the gateway answered (403): recorded in the org service's audit log, with who was refused,
        from which address, and what they asked for. Only the gateway, on its own account, may call this."""
        auth.record_refusal(self.uow, load(RefusalIn(), record))
        return views.recorded()

    # -- departments and positions -------------------------------------------------------------
    @rpc
    def list_departments(self, page=1, page_size=20):
        return views.page(departments.list_departments(self.uow, page, page_size), views.department)

    @rpc
    def create_department(self, data):
        return views.department(departments.create_department(self.uow, load(DepartmentIn(), data)))

    @rpc
    def get_department(self, department_id):
        return views.department(departments.get_department(self.uow, department_id))

    @rpc
    def update_department(self, department_id, data):
        """Rename, recode or move a department. A move under itself or one of its descendants is refused (422
        `DEPARTMENT_CYCLE`); a move changes what `department_tree` scopes cover, so every cached principal is
        dropped (`org.department_updated`)."""
        data = load(DepartmentPatch(), data)
        return views.department(departments.update_department(self.uow, department_id, data))

    @rpc
    def list_positions(self, page=1, page_size=20):
        return views.page(positions.list_positions(self.uow, page, page_size), views.position)

    @rpc
    def create_position(self, data):
        return views.position(positions.create_position(self.uow, load(PositionIn(), data)))

    @rpc
    def update_position(self, position_id, data):
        data = load(PositionPatch(), data)
        return views.position(positions.update_position(self.uow, position_id, data))

    # -- permissions and roles -----------------------------------------------------------------
    @rpc
    def list_permissions(self):
        return views.permissions(roles.list_permissions(self.uow))

    @rpc
    def list_roles(self, page=1, page_size=20):
        return views.page(roles.list_roles(self.uow, page, page_size), views.role)

    @rpc
    def create_role(self, data):
        return views.role(roles.create_role(self.uow, load(RoleIn(), data)))

    @rpc
    def update_role(self, role_id, data):
        return views.role(roles.update_role(self.uow, role_id, load(RolePatch(), data)))

    # -- employees -----------------------------------------------------------------------------
    @rpc
    def list_employees(self, page=1, page_size=20, department_id=None, status=None):
        found = employees.list_employees(self.uow, page, page_size, department_id=department_id, status=status)
        return views.page(found, views.employee, self.pii)

    @rpc(services=("collection",))
    def role_members(self, role_code, department_id):
        """Active employees of a department holding a role (e.g. the collectors a collection task is given to,
        round-robin): their ids, sorted. A question between services: no data scope applies."""
        return employees.role_members(self.uow, role_code, department_id)

    @rpc
    def get_employee(self, employee_id, unmask=False):
        """One employee; the phone is masked unless `unmask` is asked for by someone holding
        `org.employees.unmask` (audited), as customers' are."""
        employee = employees.get_employee(self.uow, employee_id, unmask=unmask)
        return views.employee(employee, self.pii, unmask=unmask)

    @rpc
    def create_employee(self, data):
        employee = employees.create_employee(self.uow, load(EmployeeIn(), data), pii=self.pii)
        return views.employee(employee, self.pii)

    @rpc
    def update_employee(self, employee_id, data):
        """Change an employee within the caller's reach (usecases.employees.check_reach). A new password set by
        someone else is a reset: audited as such, and its owner must change it at next login; one's own goes by
        change_password."""
        employee = employees.update_employee(self.uow, employee_id, load(EmployeePatch(), data), pii=self.pii)
        return views.employee(employee, self.pii)

    @rpc
    def disable_employee(self, employee_id):
        return views.employee(employees.disable_employee(self.uow, employee_id), self.pii)

    @rpc
    def enable_employee(self, employee_id):
        """Let a disabled employee log in again (their older tokens stay revoked); enabling twice is a no-op."""
        return views.employee(employees.enable_employee(self.uow, employee_id), self.pii)
