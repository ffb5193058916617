"""Schemas of gateway/routes/ops.py: health and readiness."""
from marshmallow import Schema, fields


class HealthSchema(Schema):
    status = fields.String(required=True)
    checks = fields.Dict(keys=fields.String(), values=fields.String())
