"""Guards several areas share: a code not taken yet, a grant within what the granter holds, permissions the
catalogue knows, the departments an actor's data scope covers."""
from sqlalchemy import select

from services.common import errors
from services.common.errors import Conflict, field_error
from services.org import domain


def ensure_code_free(uow, model, code, error_code):
    """No other department, position or role (`model`) has `code`: else 409 `error_code`."""
    if uow.session.scalars(select(model.id).where(model.code == code)).first():
        raise Conflict(f"{model.__tablename__} code {code} already exists", code=error_code, extra={"taken": code})


def check_grant(uow, permissions, scope=None):
    """No privilege escalation: the caller hands out only permissions they hold and a data scope no wider."""
    actor = uow.actor
    excess = domain.beyond_grant(actor.permissions, actor.data_scope, permissions, scope)
    if excess:
        raise errors.Forbidden(f"you cannot grant what you do not hold: {', '.join(excess)}",
                               code="GRANT_EXCEEDS_OWN", extra={"excess": excess})


def check_permissions(codes):
    unknown = domain.unknown_permissions(codes)
    if unknown:
        raise field_error("permissions", f"unknown permission(s): {', '.join(unknown)}",
                          code="PERMISSION_UNKNOWN", extra={"permissions": unknown})


def actor_departments(actor):
    """The departments the actor's data scope covers, as a set; None: every department."""
    return None if actor.department_ids is None else set(actor.department_ids)
