"""Departments: the tree employees are placed in, whose shape the data scopes `department` and `department_tree`
follow."""
from sqlalchemy import select

from services.common import audit
from services.common.errors import NotFound, field_error
from services.common.pagination import paginate
from services.org import domain, events
from services.org.models import Department
from services.org.usecases.checks import ensure_code_free


def list_departments(uow, page=1, page_size=20):
    """One page of departments by code: the pagination envelope with Department rows as its items."""
    return paginate(uow.session, select(Department).order_by(Department.code), page, page_size)


def create_department(uow, data):
    session = uow.session
    ensure_code_free(uow, Department, data["code"], "DEPARTMENT_CODE_TAKEN")
    if data["parent_id"] is not None and session.get(Department, data["parent_id"]) is None:
        raise field_error("parent_id", "no such department", code="DEPARTMENT_NOT_FOUND")
    department = Department(**data)
    session.add(department)
    session.flush()
    uow.audit("create_department", "department", department.id, data)
    return department


def get_department(uow, department_id):
    return find_department(uow, department_id)


def update_department(uow, department_id, data):
    """Rename, recode or move a department (422 `DEPARTMENT_CYCLE` for a move under itself or a descendant).
    A change is audited and announced (`department_updated`): a move changes what tree scopes cover."""
    session = uow.session
    if "parent_id" in data:
        # Two moves at once (A under B, B under A) could each pass the check alone: a move locks the whole
        # tree, in id order, so moves queue and each sees the tree the one before it left.
        parent_of = dict(session.execute(select(Department.id, Department.parent_id)
                                         .order_by(Department.id).with_for_update()).all())
    department = find_department(uow, department_id, lock=True)
    if data.get("code", department.code) != department.code:
        ensure_code_free(uow, Department, data["code"], "DEPARTMENT_CODE_TAKEN")
    if "parent_id" in data and data["parent_id"] != department.parent_id:
        if data["parent_id"] not in parent_of and data["parent_id"] is not None:
            raise field_error("parent_id", "no such department", code="DEPARTMENT_NOT_FOUND")
        problem = domain.move_problem(department.id, data["parent_id"], parent_of)
        if problem:
            raise field_error("parent_id", problem, code="DEPARTMENT_CYCLE")
    before = _audited(department)
    for key, value in data.items():
        setattr(department, key, value)
    session.flush()
    changes = audit.changes(before, _audited(department))
    if changes:
        uow.audit("update_department", "department", department.id, changes)
        uow.emit(*events.department_updated(department, changes))
    return department


def find_department(uow, department_id, lock=False):
    department = uow.session.get(Department, department_id, with_for_update=lock)
    if department is None:
        raise NotFound("no such department", code="DEPARTMENT_NOT_FOUND")
    return department


def _audited(department):
    """What an update may change, as the audit compares it."""
    return {"code": department.code, "name": department.name, "parent_id": department.parent_id}
