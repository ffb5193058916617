"""The HTTP contract's schemas (API.md); the OpenAPI document is generated from them."""
from marshmallow import Schema, fields, validate

from services.common.schemas import Strict

TIMESTAMP = {"format": "date-time"}
DATA_SCOPES = ("own", "department", "department_tree", "all")


class ProblemSchema(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    code = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class PageArgs(Strict):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


def page_of(item_schema):
    """The list envelope `{items, total, page, page_size}` around an item schema."""
    name = item_schema.__name__.removesuffix("Schema") + "Page"
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "total": fields.Integer(required=True),
        "page": fields.Integer(required=True),
        "page_size": fields.Integer(required=True),
    })


# -- auth --------------------------------------------------------------------------------------
class LoginSchema(Strict):
    username = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, validate=validate.Length(min=1, max=128), load_only=True)


class TokenSchema(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)


class MeSchema(Schema):
    id = fields.String(required=True)
    username = fields.String(required=True)
    name = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    permissions = fields.List(fields.String(), required=True)
    department_id = fields.String(allow_none=True)
    data_scope = fields.String(required=True, validate=validate.OneOf(DATA_SCOPES))


# -- organisation ------------------------------------------------------------------------------
class DepartmentSchema(Strict):
    id = fields.String(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=50))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    parent_id = fields.String(allow_none=True)
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)


class PositionSchema(Strict):
    id = fields.String(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=50))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)


class PermissionSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class RoleSchema(Strict):
    id = fields.String(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=50))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
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
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=8, max=128))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    phone = fields.String(allow_none=True)
    department_id = fields.String(allow_none=True)
    position_id = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    status = fields.String(dump_only=True, validate=validate.OneOf(("active", "disabled")))
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)
    disabled_at = fields.String(dump_only=True, allow_none=True, metadata=TIMESTAMP)


class EmployeePatchSchema(Strict):
    password = fields.String(load_only=True, validate=validate.Length(min=8, max=128))
    name = fields.String(validate=validate.Length(min=1, max=100))
    phone = fields.String(allow_none=True)
    department_id = fields.String(allow_none=True)
    position_id = fields.String(allow_none=True)
    roles = fields.List(fields.String())


class EmployeeListArgs(PageArgs):
    department_id = fields.String()
    status = fields.String(validate=validate.OneOf(("active", "disabled")))


# -- operations --------------------------------------------------------------------------------
class HealthSchema(Schema):
    status = fields.String(required=True)
    checks = fields.Dict(keys=fields.String(), values=fields.String())
