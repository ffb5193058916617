"""The events the org service publishes (`org.<type>`), each built by one function here: what a consumer may read in
a payload is decided in this file and nowhere else. Each builder returns `(type, payload)`; a use case emits it
with `uow.emit(*events.employee_updated(employee))`.

The gateway listens to all of them to drop the principals it caches (gateway/events.py): it reads `employee_id`
when there is one and drops every cached principal otherwise (a role changed, a department moved in the tree)."""
from services.common.jsonutil import iso


# -- employees -----------------------------------------------------------------------------------------
def employee_created(employee):
    return "employee_created", {"employee_id": employee.id, "username": employee.username,
                                "department_id": employee.department_id}


def employee_updated(employee):
    """Anything about the employee changed (their roles, department, password, status): a cached principal is stale."""
    return "employee_updated", {"employee_id": employee.id}


def employee_disabled(employee):
    return "employee_disabled", {"employee_id": employee.id, "username": employee.username,
                                 "disabled_at": iso(employee.disabled_at)}


# -- departments and roles -----------------------------------------------------------------------------
def department_updated(department, changes):
    """`changes` are the audited changes of the department (code, name, parent_id): the payload names the fields."""
    return "department_updated", {"department_id": department.id, "fields": sorted(changes)}


def role_updated(role):
    return "role_updated", {"role_id": role.id, "code": role.code}
