"""Schemas of gateway/routes/collateral.py: vehicles, valuations, GPS, mortgage and release tasks (抵押物管理)."""
from marshmallow import Schema, fields, validate

from gateway.i18n import Label
from gateway.schemas.common import DATE, IsoDate, PageArgs, TIMESTAMP, money
from services.collateral import contract as collateral_contract
from services.common import schemas as common_schemas
from services.common.schemas import Strict, StrictInteger


class IsoDateTime(common_schemas.IsoTimestamp):
    """An ISO 8601 timestamp with offset, in and out."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value if isinstance(value, str) else super()._serialize(value, attr, obj, **kwargs)


TASK_STATUSES = tuple(collateral_contract.TASK_STATUSES)


class VehicleSchema(Strict):
    id = fields.String(dump_only=True)
    vin = fields.String(required=True, metadata={"description": "车架号 VIN (ISO 3779): 17 characters, no I/O/Q, "
                                                                 "check digit at position 9"})
    plate_number = fields.String(allow_none=True, metadata={"description": "车牌号, e.g. 京A12345, 粤BD12345"})
    brand = fields.String(required=True, validate=validate.Length(min=1, max=50))
    model = fields.String(required=True, validate=validate.Length(min=1, max=100))
    year = StrictInteger(required=True)
    mileage_km = StrictInteger(allow_none=True)
    colour = fields.String(allow_none=True, validate=validate.Length(min=1, max=20),
                           metadata={"description": "车身颜色, e.g. 白色"})
    owner_customer_id = fields.String(required=True)
    department_id = fields.String(dump_only=True, allow_none=True)
    created_by = fields.String(dump_only=True)
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)


class VehiclePatchSchema(Strict):
    """A correction: only the fields given change."""
    vin = fields.String(metadata={"description": "only while no loan application or loan depends on the vehicle "
                                                 "and no mortgage/GPS task is open (409 VEHICLE_IN_USE)"})
    plate_number = fields.String(allow_none=True)
    brand = fields.String(validate=validate.Length(min=1, max=50))
    model = fields.String(validate=validate.Length(min=1, max=100))
    year = StrictInteger()
    mileage_km = StrictInteger(allow_none=True)
    colour = fields.String(allow_none=True, validate=validate.Length(min=1, max=20))
    owner_customer_id = fields.String(metadata={"description": "as the VIN: only while nothing depends on the "
                                                               "vehicle; kept in the owner history"})


class ValuationSchema(Strict):
    id = fields.String(dump_only=True)
    vehicle_id = fields.String(dump_only=True)
    appraised_value = money(required=True)
    method = fields.String(required=True, validate=validate.Length(min=1, max=50),
                           metadata={"description": "market 市场法, replacement_cost 重置成本法, income 收益法, "
                                                    "comprehensive 综合评估, or the firm's own wording"})
    method_label = Label("method", "valuation_method", dump_only=True, allow_none=True)
    notes = fields.String(allow_none=True)
    valued_on = IsoDate(metadata={"description": "评估基准日; default today. Counts for lending for 90 days"})
    status = fields.String(dump_only=True, validate=validate.OneOf(("submitted", "approved", "rejected")))
    status_label = Label("status", "valuation_status", dump_only=True)
    submitted_by = fields.String(dump_only=True)
    submitted_at = fields.String(dump_only=True, metadata=TIMESTAMP)
    reviewed_by = fields.String(dump_only=True, allow_none=True)
    reviewed_at = fields.String(dump_only=True, allow_none=True, metadata=TIMESTAMP)
    review_comment = fields.String(dump_only=True, allow_none=True)


class OwnerChangeSchema(Schema):
    from_customer_id = fields.String()
    to_customer_id = fields.String()
    loan_id = fields.String(allow_none=True)
    changed_on = fields.String(metadata=DATE)


class VehicleDetailSchema(VehicleSchema):
    current_valuation = fields.Nested(ValuationSchema, dump_only=True, allow_none=True,
                                      metadata={"description": "latest approved valuation at most 90 days old"})
    owner_history = fields.List(fields.Nested(OwnerChangeSchema), dump_only=True)


class VehicleListArgs(PageArgs):
    q = fields.String(validate=validate.Length(min=1, max=50),
                      metadata={"description": "an exact VIN or plate number, or part of brand / model"})
    owner_customer_id = fields.String()


class ValuationListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(("submitted", "approved", "rejected")),
                           metadata={"description": "`submitted`: the review queue"})
    vehicle_id = fields.String()


class TaskSchema(Schema):
    id = fields.String()
    kind = fields.String(validate=validate.OneOf(("gps_install", "gps_removal", "mortgage_registration",
                                                  "mortgage_release")))
    kind_label = Label("kind", "task_kind")
    loan_id = fields.String()
    vehicle_id = fields.String()
    vin = fields.String()
    plate_number = fields.String(allow_none=True)
    department_id = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(TASK_STATUSES))
    status_label = Label("status", "task_status")
    opened_on = fields.String(metadata=DATE)
    due_on = fields.String(metadata=DATE)
    overdue = fields.Boolean()
    device_imei = fields.String(allow_none=True)
    installer = fields.String(allow_none=True)
    certificate_no = fields.String(allow_none=True)
    done_on = fields.String(allow_none=True, metadata=DATE)
    installed_on = fields.String(allow_none=True, metadata=DATE)
    removed_on = fields.String(allow_none=True, metadata=DATE)
    registered_on = fields.String(allow_none=True, metadata=DATE)
    released_on = fields.String(allow_none=True, metadata=DATE)
    note = fields.String(allow_none=True)
    completed_by = fields.String(allow_none=True)
    completed_at = fields.String(allow_none=True, metadata=TIMESTAMP)


class TaskListArgs(PageArgs):
    loan_id = fields.String()
    status = fields.String(validate=validate.OneOf(TASK_STATUSES))
    overdue = fields.Boolean(metadata={"description": "true: open and past the due date"})


class GpsTaskListArgs(TaskListArgs):
    kind = fields.String(validate=validate.OneOf(("gps_install", "gps_removal")))


class GpsTaskDoneSchema(Strict):
    device_imei = fields.String(allow_none=True, metadata={"description": "IMEI, 15 digits; required to install"})
    installed_on = IsoDate(allow_none=True, metadata={"description": "required to install"})
    removed_on = IsoDate(allow_none=True, metadata={"description": "required to remove"})
    installer = fields.String(allow_none=True, validate=validate.Length(min=1, max=100),
                              metadata={"description": "default: the user completing the task"})
    note = fields.String(allow_none=True, validate=validate.Length(max=500))


class MortgageRegisteredSchema(Strict):
    certificate_no = fields.String(required=True, validate=validate.Length(min=1, max=50),
                                   metadata={"description": "机动车登记证书 / 抵押登记编号"})
    registered_on = IsoDate(required=True)
    note = fields.String(allow_none=True, validate=validate.Length(max=500))


class ReleaseDoneSchema(Strict):
    released_on = IsoDate(required=True)
    note = fields.String(allow_none=True, validate=validate.Length(max=500))


class GpsAlertSchema(Strict):
    id = fields.String(dump_only=True)
    device_imei = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("offline", "removed", "geofence_exit")))
    kind_label = Label("kind", "alert_kind", dump_only=True)
    at = IsoDateTime(required=True, metadata={"description": "when the platform saw it, with offset"})
    vehicle_id = fields.String(dump_only=True)
    loan_id = fields.String(dump_only=True)
    received_at = fields.String(dump_only=True, metadata=TIMESTAMP)


class GpsAlertListArgs(PageArgs):
    loan_id = fields.String()
    kind = fields.String(validate=validate.OneOf(("offline", "removed", "geofence_exit")))
