"""What the org service's RPCs answer: the one module that turns its model objects and domain values into JSON
(dates as ISO text, a phone masked unless it may be shown). A view only formats."""
from services.common.pii import mask_phone
from services.org.schemas import DepartmentOut, EmployeeOut, PositionOut, RoleOut


def page(result, view, *args):
    """A pagination envelope (services.common.pagination) whose items are shown with `view(item, *args)`."""
    return {**result, "items": [view(item, *args) for item in result["items"]]}


def department(department):
    return DepartmentOut().dump(department)


def position(position):
    return PositionOut().dump(position)


def role(role):
    return RoleOut().dump(role)


def permissions(catalogue):
    """The permission catalogue (code -> label) as a list of {code, name}."""
    return [{"code": code, "name": label} for code, label in catalogue.items()]


def employee(employee, pii, unmask=False):
    """An employee with their phone decrypted, masked unless `unmask` (the use case checked the permission)."""
    result = EmployeeOut().dump(employee)
    phone = pii.decrypt(employee.phone_enc)
    result["phone"] = phone if unmask else mask_phone(phone)
    return result


def principal(employee, access):
    """Who a token stands for, as the gateway caches it: the employee and their domain.Access."""
    return {
        "id": employee.id, "username": employee.username, "name": employee.name,
        "roles": [role.code for role in employee.roles], "permissions": list(access.permissions),
        "department_id": employee.department_id, "data_scope": access.data_scope,
        "department_ids": None if access.department_ids is None else sorted(access.department_ids),
        "token_version": employee.token_version,
        "must_change_password": employee.must_change_password,
    }


def recorded():
    return {"recorded": True}
