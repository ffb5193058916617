"""Permissions and roles: the catalogue of permissions (domain.PERMISSIONS) and the roles that grant them with a
data scope. Nobody grants more than they hold themselves (checks.check_grant)."""
from sqlalchemy import select

from services.common import errors
from services.common.clock import utcnow
from services.common.errors import NotFound
from services.common.pagination import paginate
from services.org import domain, events
from services.org.models import Role, RolePermission
from services.org.usecases.checks import check_grant, check_permissions, ensure_code_free


def list_permissions(uow):
    """The permission catalogue: code -> label."""
    return domain.PERMISSIONS


def list_roles(uow, page=1, page_size=20):
    """One page of roles by code: the pagination envelope with Role rows as its items."""
    return paginate(uow.session, select(Role).order_by(Role.code), page, page_size)


def create_role(uow, data):
    check_permissions(data["permissions"])
    check_grant(uow, data["permissions"], data["data_scope"])
    ensure_code_free(uow, Role, data["code"], "ROLE_CODE_TAKEN")
    role = Role(code=data["code"], name=data["name"], data_scope=data["data_scope"],
                permissions=_grants(data["permissions"]))
    uow.session.add(role)
    uow.session.flush()
    uow.audit("create_role", "role", role.id, data)
    return role


def update_role(uow, role_id, data):
    """Rename a role, change its permissions (never the admin role's) or its data scope: audited, and announced
    (`role_updated`) so that every cached principal is dropped."""
    role = uow.session.get(Role, role_id)
    if role is None:
        raise NotFound("no such role", code="ROLE_NOT_FOUND")
    if role.code == "admin" and "permissions" in data:
        raise errors.RuleViolated("the admin role always holds every permission", code="ADMIN_ROLE_FIXED")
    check_grant(uow, data.get("permissions", ()), data.get("data_scope"))
    if "permissions" in data:
        check_permissions(data["permissions"])
        role.permissions = _grants(data["permissions"])
    for key in ("name", "data_scope"):
        if key in data:
            setattr(role, key, data[key])
    role.updated_at = utcnow()
    uow.session.flush()
    uow.audit("update_role", "role", role.id, data)
    uow.emit(*events.role_updated(role))
    return role


def _grants(permissions):
    return [RolePermission(permission=p) for p in sorted(set(permissions))]
