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
    existing_id = fields.String(metadata={"description": "on 409: the record that already exists"})


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


# -- customers ---------------------------------------------------------------------------------
def money(**kwargs):
    """Money in and out as a decimal string with at most 2 decimals ("150000.00"); never a float."""
    return fields.String(validate=validate.Regexp(r"^\d{1,15}(\.\d{1,2})?$", error="a decimal string such as "
                                                                                   "\"150000.00\""),
                         metadata={"example": "150000.00", "pattern": r"^\d{1,15}(\.\d{1,2})?$"}, **kwargs)


class PersonSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    id_number = fields.String(required=True, metadata={"description": "居民身份證號 (GB 11643)"})
    phone = fields.String(required=True, metadata={"description": "mainland mobile, 11 digits"})
    address = fields.String(allow_none=True)
    employer = fields.String(allow_none=True)
    monthly_income = money(allow_none=True)


class EnterpriseSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    uscc = fields.String(required=True, metadata={"description": "統(tǒng)一社會信用代碼 (GB 32100)"})
    legal_representative = fields.String(required=True, validate=validate.Length(min=1, max=100))
    legal_representative_id_number = fields.String(required=True)
    phone = fields.String(required=True)
    address = fields.String(allow_none=True)
    registered_capital = money(allow_none=True)
    accept_uscc_warning = fields.Boolean(
        metadata={"description": "register a code whose check character fails (some early codes do)"})


class LoanSummarySchema(Schema):
    loan_id = fields.String()
    status = fields.String()
    amount = fields.String()
    outstanding_principal = fields.String()
    dpd = fields.Integer()
    worst_dpd = fields.Integer()
    classification = fields.String(allow_none=True)


class CreditSchema(Schema):
    loans_count = fields.Integer()
    applications_pending = fields.Integer()
    total_amount = fields.String()
    exposure = fields.String()
    worst_dpd = fields.Integer()
    worst_classification = fields.String(allow_none=True)


class CustomerSchema(Schema):
    id = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(("person", "enterprise")))
    name = fields.String(required=True)
    id_number = fields.String(allow_none=True, metadata={"description": "masked unless ?unmask=true"})
    phone = fields.String(allow_none=True, metadata={"description": "masked unless ?unmask=true"})
    address = fields.String(allow_none=True)
    employer = fields.String(allow_none=True)
    monthly_income = fields.String(allow_none=True)
    uscc = fields.String(allow_none=True)
    uscc_warning = fields.String(allow_none=True)
    legal_representative = fields.String(allow_none=True)
    legal_representative_id_number = fields.String(allow_none=True)
    registered_capital = fields.String(allow_none=True)
    department_id = fields.String(allow_none=True)
    officer_id = fields.String()
    created_at = fields.String(metadata=TIMESTAMP)
    blacklisted = fields.Boolean()
    loans = fields.List(fields.Nested(LoanSummarySchema))
    credit = fields.Nested(CreditSchema)


class CustomerListArgs(PageArgs):
    type = fields.String(validate=validate.OneOf(("person", "enterprise")))
    q = fields.String(validate=validate.Length(min=1, max=100),
                      metadata={"description": "name (contains), or an exact ID number, phone or USCC"})


class UnmaskArgs(Strict):
    unmask = fields.Boolean(load_default=False)


class BlacklistSchema(Strict):
    id = fields.String(dump_only=True)
    customer_id = fields.String(allow_none=True)
    id_number = fields.String(allow_none=True, metadata={"description": "masked in responses"})
    uscc = fields.String(allow_none=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    created_by = fields.String(dump_only=True)
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)
    removed_by = fields.String(dump_only=True, allow_none=True)
    removed_at = fields.String(dump_only=True, allow_none=True, metadata=TIMESTAMP)


class BlacklistListArgs(PageArgs):
    active = fields.Boolean(load_default=True, metadata={"description": "false: include removed entries"})


# -- collateral --------------------------------------------------------------------------------
DATE = {"format": "date"}


class IsoDate(fields.Date):
    """`YYYY-MM-DD` in (validated to a date) and out (services already answer with the ISO string)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value if isinstance(value, str) else super()._serialize(value, attr, obj, **kwargs)


class IsoDateTime(fields.AwareDateTime):
    """An ISO 8601 timestamp with offset, in and out."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value if isinstance(value, str) else super()._serialize(value, attr, obj, **kwargs)
TASK_STATUSES = ("open", "completed", "cancelled")


class VehicleSchema(Strict):
    id = fields.String(dump_only=True)
    vin = fields.String(required=True, metadata={"description": "車架號 VIN (ISO 3779): 17 characters, no I/O/Q, "
                                                                 "check digit at position 9"})
    plate_number = fields.String(allow_none=True, metadata={"description": "車牌號, e.g. 京A12345, 粵BD12345"})
    brand = fields.String(required=True, validate=validate.Length(min=1, max=50))
    model = fields.String(required=True, validate=validate.Length(min=1, max=100))
    year = fields.Integer(required=True)
    mileage_km = fields.Integer(allow_none=True)
    owner_customer_id = fields.String(required=True)
    department_id = fields.String(dump_only=True, allow_none=True)
    created_by = fields.String(dump_only=True)
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)


class ValuationSchema(Strict):
    id = fields.String(dump_only=True)
    vehicle_id = fields.String(dump_only=True)
    appraised_value = money(required=True)
    method = fields.String(required=True, validate=validate.Length(min=1, max=50),
                           metadata={"description": "market 市場法, replacement_cost 重置成本法, income 收益法, "
                                                    "comprehensive 綜合評估, or the firm's own wording"})
    method_label = fields.String(dump_only=True, allow_none=True)
    notes = fields.String(allow_none=True)
    valued_on = IsoDate(metadata={"description": "評估基準日; default today. Counts for lending for 90 days"})
    status = fields.String(dump_only=True, validate=validate.OneOf(("submitted", "approved", "rejected")))
    status_label = fields.String(dump_only=True)
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


class ReviewSchema(Strict):
    approve = fields.Boolean(required=True)
    comment = fields.String(allow_none=True, validate=validate.Length(max=500))


class TaskSchema(Schema):
    id = fields.String()
    kind = fields.String(validate=validate.OneOf(("gps_install", "gps_removal", "mortgage_registration",
                                                  "mortgage_release")))
    kind_label = fields.String()
    loan_id = fields.String()
    vehicle_id = fields.String()
    vin = fields.String()
    plate_number = fields.String(allow_none=True)
    department_id = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(TASK_STATUSES))
    status_label = fields.String()
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
                                   metadata={"description": "機動車登記證書 / 抵押登記編號"})
    registered_on = IsoDate(required=True)
    note = fields.String(allow_none=True, validate=validate.Length(max=500))


class ReleaseDoneSchema(Strict):
    released_on = IsoDate(required=True)
    note = fields.String(allow_none=True, validate=validate.Length(max=500))


class GpsAlertSchema(Strict):
    id = fields.String(dump_only=True)
    device_imei = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("offline", "removed", "geofence_exit")))
    kind_label = fields.String(dump_only=True)
    at = IsoDateTime(required=True, metadata={"description": "when the platform saw it, with offset"})
    vehicle_id = fields.String(dump_only=True)
    loan_id = fields.String(dump_only=True)
    received_at = fields.String(dump_only=True, metadata=TIMESTAMP)


class GpsAlertListArgs(PageArgs):
    loan_id = fields.String()
    kind = fields.String(validate=validate.OneOf(("offline", "removed", "geofence_exit")))
