"""Marshmallow schemas of the org service's RPC boundary."""
from marshmallow import Schema, fields, validate

from services.common.schemas import Strict, ascii_regexp

from services.org import domain

CODE = ascii_regexp(r"[A-Za-z0-9_.-]{1,50}", error="use 1-50 letters, digits, '_', '.' or '-'")
USERNAME = ascii_regexp(r"[a-z0-9_.-]{3,50}", error="use 3-50 lower-case letters, digits, '_', '.' or '-'")
PHONE = ascii_regexp(r"1[3-9][0-9]{9}", error="not a mainland China mobile number (11 digits)")
NAME = validate.Length(min=1, max=100)
PASSWORD = validate.Length(min=1, max=128)


class DepartmentIn(Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=NAME)
    parent_id = fields.String(load_default=None, allow_none=True)


class DepartmentPatch(Strict):
    """A correction: a new name or code, or a move in the tree (`parent_id`; null makes it a root)."""
    code = fields.String(validate=CODE)
    name = fields.String(validate=NAME)
    parent_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36))


class PositionIn(Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=NAME)


class PositionPatch(Strict):
    name = fields.String(required=True, validate=NAME)


class RoleIn(Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=NAME)
    permissions = fields.List(fields.String(), required=True)
    data_scope = fields.String(required=True, validate=validate.OneOf(domain.DATA_SCOPES))


class EmployeeIn(Strict):
    username = fields.String(required=True, validate=USERNAME)
    # Strength (domain.password_problem) is checked by the service, which knows the username.
    password = fields.String(required=True, validate=PASSWORD, load_only=True)
    name = fields.String(required=True, validate=NAME)
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)
    department_id = fields.String(load_default=None, allow_none=True)
    position_id = fields.String(load_default=None, allow_none=True)
    roles = fields.List(fields.String(), load_default=list)
    # The first password is the creator's choice; `true` makes its owner replace it at first login.
    must_change_password = fields.Boolean(load_default=False)


class DepartmentOut(Schema):
    id = fields.String()
    code = fields.String()
    name = fields.String()
    parent_id = fields.String(allow_none=True)
    created_at = fields.DateTime()


class PositionOut(Schema):
    id = fields.String()
    code = fields.String()
    name = fields.String()
    created_at = fields.DateTime()


class RoleOut(Schema):
    id = fields.String()
    code = fields.String()
    name = fields.String()
    data_scope = fields.String()
    builtin = fields.Boolean()
    permissions = fields.List(fields.String(), attribute="permission_codes")


class EmployeeOut(Schema):
    id = fields.String()
    username = fields.String()
    name = fields.String()
    # `phone` is added by the service: decrypted, and masked unless asked for by someone allowed to see it.
    department_id = fields.String(allow_none=True)
    position_id = fields.String(allow_none=True)
    status = fields.String()
    must_change_password = fields.Boolean()
    roles = fields.Function(lambda e: [r.code for r in e.roles])
    created_at = fields.DateTime()
    disabled_at = fields.DateTime(allow_none=True)


class EmployeePatch(Strict):
    password = fields.String(validate=PASSWORD, load_only=True)
    name = fields.String(validate=NAME)
    phone = fields.String(allow_none=True, validate=PHONE)
    department_id = fields.String(allow_none=True)
    position_id = fields.String(allow_none=True)
    roles = fields.List(fields.String())


class PasswordChange(Strict):
    old_password = fields.String(required=True, validate=PASSWORD, load_only=True)
    new_password = fields.String(required=True, validate=PASSWORD, load_only=True)


class RolePatch(Strict):
    name = fields.String(validate=NAME)
    permissions = fields.List(fields.String())
    data_scope = fields.String(validate=validate.OneOf(domain.DATA_SCOPES))


class RefusedActor(Strict):
    user_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    username = fields.String(required=True, validate=validate.Length(min=1, max=100))
    department_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=36))


class RefusalIn(Strict):
    """A 403 the gateway answered: who, from where, and what they asked for (method, path, code, permission)."""
    actor = fields.Nested(RefusedActor, required=True)
    client_address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    entity_type = fields.String(required=True, validate=validate.Length(min=1, max=50))
    entity_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    changes = fields.Dict(keys=fields.String(), load_default=dict)
