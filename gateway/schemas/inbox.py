"""Schemas of gateway/routes/inbox.py: 我的待办."""
from marshmallow import Schema, fields, validate

from gateway.schemas.common import TIMESTAMP
from services.common.schemas import QueryInteger, Strict


class InboxArgs(Strict):
    limit = QueryInteger(load_default=20, validate=validate.Range(min=1, max=100), metadata={
        "description": "at most this many items of each kind (the oldest); `counts` still counts them all"})


class InboxItemSchema(Schema):
    kind = fields.String(required=True, metadata={"description": "e.g. valuation_review, application_decision, "
                                                                 "disbursement_review, collection_task"})
    kind_label = fields.String(required=True, metadata={"description": "e.g. 估值待复核"})
    id = fields.String(required=True, metadata={"description": "the valuation, application, task... waiting"})
    title = fields.String(required=True, metadata={"example": "估值待复核 · 浙A12345 · ¥128,000.00"})
    summary = fields.String(required=True)
    created_at = fields.String(required=True, metadata={**TIMESTAMP, "description": "waiting since"})
    link = fields.String(required=True, metadata={"description": "where to read it (an API path)"})
    action = fields.String(allow_none=True, metadata={"description": "where to act on it (an API path to POST)"})


class InboxSchema(Schema):
    items = fields.List(fields.Nested(InboxItemSchema), required=True, metadata={"description": "oldest first"})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                         metadata={"description": "how many of each kind wait (beyond `limit` too)"})
    total = fields.Integer(required=True, metadata={"description": "the sum of `counts`"})
    limit = fields.Integer(required=True)
    unavailable = fields.List(fields.String(), required=True, metadata={
        "description": "services that did not answer in time: their work is missing from this answer"})
