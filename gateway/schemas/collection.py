"""Schemas of gateway/routes/collection.py: collection tasks, warnings and five-level classification (贷后管理)."""
from marshmallow import Schema, fields, validate

from gateway.i18n import Label
from gateway.schemas.common import DATE, GRADES, GRADES_DESCRIPTION, IsoDate, PageArgs, TIMESTAMP, money
from services.collection import contract as collection_contract
from services.common.schemas import Strict


COLLECTION_TASK_STATUSES = collection_contract.TASK_STATUSES
COLLECTION_STAGES = tuple(collection_contract.STAGES)
COLLECTION_CHANNELS = tuple(collection_contract.CHANNELS)
PROMISE_STATUSES = collection_contract.PROMISE_STATUSES
WARNING_LEVELS = tuple(collection_contract.LEVELS)
WARNING_STATUSES = collection_contract.WARNING_STATUSES


class PromiseSchema(Schema):
    amount = fields.String(metadata={"description": "承诺还款金额"})
    promised_on = fields.String(metadata=DATE)
    paid = fields.String(metadata={"description": "paid since the promise was made"})
    status = fields.String(validate=validate.OneOf(PROMISE_STATUSES),
                           metadata={"description": "pending; kept once paid by the date; broken (raises priority)"})


class CollectionRecordSchema(Strict):
    id = fields.String(dump_only=True)
    task_id = fields.String(dump_only=True)
    channel = fields.String(required=True, validate=validate.OneOf(COLLECTION_CHANNELS),
                            metadata={"description": "call 电话, sms 短信, visit 上门, letter 函件"})
    channel_label = Label("channel", "collection_channel", dump_only=True)
    result = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "催收结果: what was said or found"})
    promised_amount = money(allow_none=True, metadata={"description": "承诺还款 (promise to pay) amount"})
    promised_on = IsoDate(allow_none=True, metadata={"description": "the date the customer promised to pay by"})
    recorded_by = fields.String(dump_only=True)
    recorded_at = fields.String(dump_only=True, metadata=TIMESTAMP)


class CollectionTaskSchema(Schema):
    id = fields.String()
    loan_id = fields.String()
    contract_no = fields.String(allow_none=True)
    customer_id = fields.String()
    customer_name = fields.String(allow_none=True)
    department_id = fields.String(allow_none=True)
    assignee_id = fields.String(allow_none=True, metadata={"description": "the collector; none until assigned"})
    status = fields.String(validate=validate.OneOf(COLLECTION_TASK_STATUSES))
    status_label = Label("status", "collection_task_status")
    stage = fields.String(validate=validate.OneOf(COLLECTION_STAGES),
                          metadata={"description": "by DPD: call_sms 电催 (1–30), visit 外访 (31–90), "
                                                   "legal 诉讼 / 收车 (> 90)"})
    stage_label = Label("stage", "collection_stage")
    priority = fields.String(validate=validate.OneOf(("normal", "high")),
                             metadata={"description": "high after a broken promise"})
    dpd = fields.Integer()
    outstanding_principal = fields.String()
    opened_on = fields.String(metadata=DATE)
    closed_on = fields.String(allow_none=True, metadata=DATE)
    close_reason = fields.String(allow_none=True)
    due_on = fields.String(allow_none=True, metadata=DATE)
    promise = fields.Nested(PromiseSchema, allow_none=True, metadata={"description": "the latest promise to pay"})
    created_at = fields.String(metadata=TIMESTAMP)


class CollectionTaskDetailSchema(CollectionTaskSchema):
    records = fields.List(fields.Nested(CollectionRecordSchema), metadata={"description": "催收记录, oldest first"})


class CollectionTaskListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(COLLECTION_TASK_STATUSES))
    assignee_id = fields.String()
    loan_id = fields.String()
    stage = fields.String(validate=validate.OneOf(COLLECTION_STAGES))


class AssignSchema(Strict):
    collector_id = fields.String(required=True, validate=validate.Length(min=1, max=64),
                                 metadata={"description": "an active collector (催收员) of the loan's department"})


class WarningSchema(Schema):
    id = fields.String()
    loan_id = fields.String()
    contract_no = fields.String(allow_none=True)
    customer_id = fields.String()
    kind = fields.String(metadata={"description": "first_overdue, dpd_30, repeated_late, gps_offline, gps_removed, "
                                                 "geofence_exit, customer_blacklisted, ltv_exceeded, ..."})
    kind_label = Label("kind", "warning_kind")
    level = fields.String(validate=validate.OneOf(WARNING_LEVELS))
    level_label = Label("level", "warning_level")
    owner_id = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(WARNING_STATUSES))
    detail = fields.String()
    raised_on = fields.String(metadata=DATE)
    resolution = fields.String(allow_none=True)
    resolved_by = fields.String(allow_none=True)
    resolved_at = fields.String(allow_none=True, metadata=TIMESTAMP)


class WarningListArgs(PageArgs):
    loan_id = fields.String()
    level = fields.String(validate=validate.OneOf(WARNING_LEVELS))
    status = fields.String(validate=validate.OneOf(WARNING_STATUSES))
    kind = fields.String(validate=validate.Length(min=1, max=50))


class WarningResolveSchema(Strict):
    resolution = fields.String(required=True, validate=validate.Length(min=2, max=500),
                               metadata={"description": "处理结果: what was done about it"})


class GradeChangeSchema(Schema):
    grade = fields.String(validate=validate.OneOf(GRADES))
    previous = fields.String(allow_none=True, validate=validate.OneOf(GRADES))
    source = fields.String(validate=validate.OneOf(("auto", "manual")),
                           metadata={"description": "auto: by DPD and restructuring; manual: an approved adjustment"})
    reason = fields.String(allow_none=True)
    business_date = fields.String(metadata=DATE)
    changed_at = fields.String(metadata=TIMESTAMP)
    changed_by = fields.String()


class ClassificationSchema(Schema):
    loan_id = fields.String()
    contract_no = fields.String(allow_none=True)
    customer_id = fields.String()
    customer_name = fields.String(allow_none=True)
    department_id = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "the loan's: active or settled"})
    grade = fields.String(validate=validate.OneOf(GRADES), metadata={"description": GRADES_DESCRIPTION})
    grade_label = Label("grade", "grade")
    floor = fields.String(validate=validate.OneOf(GRADES),
                          metadata={"description": "the best grade the DPD and restructuring allow"})
    manual_grade = fields.String(allow_none=True, validate=validate.OneOf(GRADES))
    dpd = fields.Integer()
    restructured = fields.Boolean()
    outstanding_principal = fields.String()
    updated_on = fields.String(allow_none=True, metadata=DATE)
    history = fields.List(fields.Nested(GradeChangeSchema))


class ClassificationListArgs(PageArgs):
    loan_id = fields.String()
    grade = fields.String(validate=validate.OneOf(GRADES))


class AdjustmentSchema(Strict):
    id = fields.String(dump_only=True)
    loan_id = fields.String(dump_only=True)
    grade = fields.String(required=True, validate=validate.OneOf(GRADES), metadata={"description": GRADES_DESCRIPTION})
    grade_label = Label("grade", "grade", dump_only=True)
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))
    status = fields.String(dump_only=True, validate=validate.OneOf(("pending", "approved", "rejected")))
    requested_by = fields.String(dump_only=True)
    decided_by = fields.String(dump_only=True, allow_none=True)
    decided_at = fields.String(dump_only=True, allow_none=True, metadata=TIMESTAMP)
    comment = fields.String(dump_only=True, allow_none=True)
    floor = fields.String(dump_only=True, validate=validate.OneOf(GRADES),
                          metadata={"description": "the DPD floor when requested: never better than this"})
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)
