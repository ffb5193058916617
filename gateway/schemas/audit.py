"""Schemas of gateway/routes/audit.py: the audit log (审计日志)."""
from marshmallow import Schema, fields, validate

from gateway.schemas.common import PageArgs, TIMESTAMP
from services.common import schemas as common_schemas


class AuditLogArgs(PageArgs):
    actor = fields.String(validate=validate.Length(min=1, max=100),
                          metadata={"description": "the actor's employee id or username"})
    action = fields.String(validate=validate.Length(min=1, max=100),
                           metadata={"description": "e.g. update_employee, reset_password, login, refused, export"})
    entity_type = fields.String(validate=validate.Length(min=1, max=50), metadata={"description": "e.g. employee"})
    entity_id = fields.String(validate=validate.Length(min=1, max=64))
    time_from = common_schemas.business_timestamp(data_key="from", metadata={"description": "from this time on"})
    time_to = common_schemas.business_timestamp(data_key="to", metadata={"description": "before this time"})
    service = fields.String(metadata={"description": "only this service's records (org, customer, loan…)"})


class AuditRecordSchema(Schema):
    id = fields.String(metadata={"description": "`service:number`"})
    service = fields.String()
    seq = fields.Integer(allow_none=True, metadata={"description": "place in the service's hash chain; "
                                                                   "empty until sealed (within a second)"})
    occurred_at = fields.String(metadata=TIMESTAMP)
    actor_id = fields.String()
    actor_username = fields.String()
    action = fields.String()
    entity_type = fields.String()
    entity_id = fields.String(allow_none=True)
    changes = fields.Dict(allow_none=True, metadata={"description": "what changed; secrets and personal data "
                                                                    "masked"})
    client_address = fields.String(allow_none=True)
    correlation_id = fields.String(allow_none=True)
    sealed = fields.Boolean()
    hash = fields.String(allow_none=True)
