"""Schemas of gateway/routes/org.py: departments, positions, employees and roles (组织架构)."""
from marshmallow import Schema, fields, validate

from gateway.i18n import BuiltinName
from gateway.schemas.common import DATA_SCOPES, PASSWORD_RULE, PageArgs, TIMESTAMP
from services.common.schemas import Strict


class DepartmentSchema(Strict):
    id = fields.String(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=50))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    parent_id = fields.String(allow_none=True)
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)


class DepartmentPatchSchema(Strict):
    code = fields.String(validate=validate.Length(min=1, max=50))
    name = fields.String(validate=validate.Length(min=1, max=100))
    parent_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36), metadata={
        "description": "move under another department (null: make it a root); never under itself or one of its "
                       "own descendants (422 DEPARTMENT_CYCLE)"})


class PositionSchema(Strict):
    id = fields.String(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=50))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)


class PositionPatchSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class PermissionSchema(Schema):
    code = fields.String(required=True)
    name = BuiltinName("permission", required=True)


class RoleSchema(Strict):
    id = fields.String(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=50))
    name = BuiltinName("role", required=True, validate=validate.Length(min=1, max=100))
    permissions = fields.List(fields.String(), required=True)
    data_scope = fields.String(required=True, validate=validate.OneOf(DATA_SCOPES))
    builtin = fields.Boolean(dump_only=True)


class RolePatchSchema(Strict):
    name = fields.String(validate=validate.Length(min=1, max=100))
    permissions = fields.List(fields.String())
    data_scope = fields.String(validate=validate.OneOf(DATA_SCOPES))


class EmployeeSchema(Strict):
    id = fields.String(dump_only=True)
    username = fields.String(required=True, validate=validate.Length(min=3, max=50))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128),
                             metadata={"description": PASSWORD_RULE})
    must_change_password = fields.Boolean(metadata={
        "description": "its owner must replace the password at first login (always so after a reset)"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    phone = fields.String(allow_none=True, metadata={"description": "masked (139****5678) unless unmasked"})
    department_id = fields.String(allow_none=True)
    position_id = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    status = fields.String(dump_only=True, validate=validate.OneOf(("active", "disabled")))
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)
    disabled_at = fields.String(dump_only=True, allow_none=True, metadata=TIMESTAMP)


class EmployeePatchSchema(Strict):
    password = fields.String(load_only=True, validate=validate.Length(min=1, max=128), metadata={
        "description": "a reset: its owner must change it at next login; one's own goes by POST /auth/password"})
    name = fields.String(validate=validate.Length(min=1, max=100))
    phone = fields.String(allow_none=True)
    department_id = fields.String(allow_none=True)
    position_id = fields.String(allow_none=True)
    roles = fields.List(fields.String())


class EmployeeGetArgs(Strict):
    unmask = fields.Boolean(load_default=False, metadata={
        "description": "the whole phone number (needs org.employees.unmask; audited)"})


class EmployeeListArgs(PageArgs):
    department_id = fields.String()
    status = fields.String(validate=validate.OneOf(("active", "disabled")))
