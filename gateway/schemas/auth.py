"""Schemas of gateway/routes/auth.py: login, tokens, the caller's own account and password."""
from marshmallow import Schema, fields, validate

from gateway.schemas.common import DATA_SCOPES, PASSWORD_RULE
from services.common.schemas import Strict


class LoginSchema(Strict):
    username = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, validate=validate.Length(min=1, max=128), load_only=True)


class TokenSchema(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)
    must_change_password = fields.Boolean(required=True, metadata={
        "description": "someone else set the password: until it is changed (POST /auth/password) the token "
                       "serves only that and GET /me (403 PASSWORD_CHANGE_REQUIRED)"})


class PasswordChangeSchema(Strict):
    old_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128))
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128),
                                 metadata={"description": PASSWORD_RULE})


class MeSchema(Schema):
    id = fields.String(required=True)
    username = fields.String(required=True)
    name = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    permissions = fields.List(fields.String(), required=True)
    department_id = fields.String(allow_none=True)
    data_scope = fields.String(required=True, validate=validate.OneOf(DATA_SCOPES))
    must_change_password = fields.Boolean()
