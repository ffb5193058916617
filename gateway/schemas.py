"""The HTTP contract's schemas (README.md, "API"; docs/architecture.md, "OpenAPI document"); the OpenAPI document
is generated from them."""
from marshmallow import INCLUDE, Schema, ValidationError, fields, validate, validates_schema

from gateway.i18n import BuiltinName, Label
from services.common import schemas as common_schemas
from services.common.schemas import QueryInteger, Strict, StrictInteger, decimal_string

TIMESTAMP = {"format": "date-time"}
DATA_SCOPES = ("own", "department", "department_tree", "all")


class ProblemSchema(Schema):
    class Meta:
        # RFC 9457 extension members: a code adds the values its message names (`existing_id`, `reason`,
        # `service`, `max_months`…); the document allows them, so an answer carrying one still matches it.
        unknown = INCLUDE

    type = fields.String()
    title = fields.String(metadata={"description": "in the answer's language: zh-CN, or en on Accept-Language: en"})
    status = fields.Integer()
    detail = fields.String(metadata={"description": "in the answer's language, like the messages in `errors`"})
    code = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    existing_id = fields.String(metadata={"description": "on 409: the record that already exists"})
    reason = fields.String(metadata={"description": "which of a code's cases this is, where it has several "
                                                    "(SEGREGATION_OF_DUTIES: investigator, decider…)"})


class PageArgs(Strict):
    page = QueryInteger(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    page_size = QueryInteger(load_default=20, validate=validate.Range(min=1, max=100))


_PAGES = {}


def page_of(item_schema):
    """The list envelope `{items, total, page, page_size}` around an item schema (one class per item schema,
    so the OpenAPI document names each once)."""
    if item_schema in _PAGES:
        return _PAGES[item_schema]
    name = item_schema.__name__.removesuffix("Schema") + "Page"
    _PAGES[item_schema] = type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "total": fields.Integer(required=True),
        "page": fields.Integer(required=True),
        "page_size": fields.Integer(required=True),
    })
    return _PAGES[item_schema]


# -- auth --------------------------------------------------------------------------------------
PASSWORD_RULE = ("at least 10 characters of at least three kinds (lower case, upper case, digits, symbols), "
                 "not containing the username, not a common password (422 PASSWORD_TOO_WEAK)")


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


# -- organisation ------------------------------------------------------------------------------
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


# -- operations --------------------------------------------------------------------------------
class HealthSchema(Schema):
    status = fields.String(required=True)
    checks = fields.Dict(keys=fields.String(), values=fields.String())


# -- customers ---------------------------------------------------------------------------------
def money(metadata=None, **kwargs):
    """Money in and out as a decimal string with at most 2 decimals ("150000.00"); never a float."""
    return decimal_string(15, 2, "150000.00", metadata=metadata or {}, **kwargs)


class PersonSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    id_number = fields.String(required=True, metadata={"description": "居民身份证号 (GB 11643)"})
    phone = fields.String(required=True, metadata={"description": "mainland mobile, 11 digits"})
    address = fields.String(allow_none=True)
    employer = fields.String(allow_none=True)
    monthly_income = money(allow_none=True)


class EnterpriseSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    uscc = fields.String(required=True, metadata={"description": "统一社会信用代码 (GB 32100)"})
    legal_representative = fields.String(required=True, validate=validate.Length(min=1, max=100))
    legal_representative_id_number = fields.String(required=True)
    phone = fields.String(required=True)
    address = fields.String(allow_none=True)
    registered_capital = money(allow_none=True)
    accept_uscc_warning = fields.Boolean(
        metadata={"description": "register a code whose check character fails (some early codes do)"})


class CustomerPatchSchema(Strict):
    """A correction: only the fields given change; each is checked as at registration."""
    phone = fields.String(metadata={"description": "mainland mobile, 11 digits"})
    address = fields.String(allow_none=True, validate=validate.Length(max=300))
    employer = fields.String(allow_none=True, validate=validate.Length(max=200),
                             metadata={"description": "persons only"})
    monthly_income = money(allow_none=True, metadata={"description": "persons only"})
    legal_representative = fields.String(validate=validate.Length(min=1, max=100),
                                         metadata={"description": "enterprises only"})
    legal_representative_id_number = fields.String(metadata={"description": "enterprises only; 居民身份证号"})
    id_number = fields.String(metadata={
        "description": "persons only: a corrected ID number (needs customer.identity.correct; 409 "
                       "CUSTOMER_DUPLICATE if another customer has it)"})
    uscc = fields.String(metadata={
        "description": "enterprises only: a corrected credit code (needs customer.identity.correct; 409 "
                       "CUSTOMER_DUPLICATE if another customer has it)"})
    accept_uscc_warning = fields.Boolean(
        metadata={"description": "keep a corrected code whose check character fails (some early codes do)"})


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


class IsoDate(common_schemas.IsoDate):
    """`YYYY-MM-DD` in (validated to a date) and out (services already answer with the ISO string)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value if isinstance(value, str) else super()._serialize(value, attr, obj, **kwargs)


class IsoDateTime(common_schemas.IsoTimestamp):
    """An ISO 8601 timestamp with offset, in and out."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value if isinstance(value, str) else super()._serialize(value, attr, obj, **kwargs)
TASK_STATUSES = ("open", "completed", "cancelled")


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


class ReviewSchema(Strict):
    approve = fields.Boolean(required=True)
    comment = fields.String(allow_none=True, validate=validate.Length(max=500))


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


# -- loans -------------------------------------------------------------------------------------
METHODS = ("equal_installment", "equal_principal", "interest_first", "bullet", "flat")
APPLICATION_STATUSES = ("submitted", "investigated", "pending_second_approval", "approved", "rejected", "contracted")
LOAN_STATUSES = ("signed", "active", "settled")
# 五级分类, best to worst: the collection service grades, a loan shows its last grade
GRADES = ("normal", "special_mention", "substandard", "doubtful", "loss")
GRADES_DESCRIPTION = "normal 正常, special_mention 关注, substandard 次级, doubtful 可疑, loss 损失"


def rate(metadata=None, **kwargs):
    """A rate as a decimal-string fraction ("0.120000" is 12 % a year), at most 6 decimals; never a float."""
    return decimal_string(2, 6, "0.120000", metadata=metadata or {}, **kwargs)


class ScheduleRequestSchema(Strict):
    amount = money(required=True)
    annual_rate = rate(required=True)
    term_months = StrictInteger(required=True)
    repayment_method = fields.String(required=True, validate=validate.OneOf(METHODS),
                                     metadata={"description": "equal_installment 等额本息, equal_principal 等额本金, "
                                                              "interest_first 先息后本, bullet 一次性还本付息, "
                                                              "flat 等本等息"})
    start_date = IsoDate(required=True)
    first_due_date = IsoDate(allow_none=True)
    upfront_fee = money(allow_none=True, metadata={"description": "fees deducted at disbursement (raise the APR)"})


class InstallmentSchema(Schema):
    no = fields.Integer()
    due_date = fields.String(metadata=DATE)
    principal = fields.String()
    interest = fields.String()
    total = fields.String()
    balance_after = fields.String()
    paid_principal = fields.String()
    paid_interest = fields.String()
    penalty = fields.String(metadata={"description": "penalty interest accrued (罚息), to the fen"})
    paid_penalty = fields.String()
    fees = fields.String()
    paid_fees = fields.String()
    status = fields.String()


class ScheduleSchema(Schema):
    amount = fields.String()
    annual_rate = fields.String()
    repayment_method = fields.String()
    repayment_method_label = Label("repayment_method", "repayment_method")
    installments = fields.List(fields.Nested(InstallmentSchema))
    total_interest = fields.String()
    total_payment = fields.String()
    net_amount = fields.String()
    apr = fields.String(metadata={"description": "年化利率: 12 × monthly IRR of the borrower's cash flows"})


class FeeSchema(Strict):
    """An upfront fee: a fixed `amount` or a `rate` of the principal, exactly one of them."""
    name = fields.String(required=True, validate=validate.Length(min=1, max=50), metadata={"example": "GPS费"})
    amount = money(allow_none=True)
    rate = rate(allow_none=True)

    @validates_schema
    def amount_or_rate(self, data, **kwargs):
        if (data.get("amount") is None) == (data.get("rate") is None):
            raise ValidationError("give either amount or rate", "amount")


class AprRangeSchema(Schema):
    min = fields.String()
    max = fields.String()


class ProductSchema(Strict):
    id = fields.String(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=50))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    repayment_method = fields.String(required=True, validate=validate.OneOf(METHODS))
    repayment_method_label = Label("repayment_method", "repayment_method", dump_only=True)
    annual_rate = rate(required=True)
    min_term_months = StrictInteger(required=True)
    max_term_months = StrictInteger(required=True)
    min_amount = money(required=True)
    max_amount = money(required=True)
    max_ltv = rate(metadata={"description": "default 0.80"})
    penalty_markup = rate(metadata={"description": "罚息上浮, default 0.50"})
    grace_days = StrictInteger()
    prepayment_fee_rate = rate()
    prepayment_fee_free_after_months = StrictInteger(allow_none=True)
    allocation = fields.String(validate=validate.OneOf(("installment_first", "type_first")))
    compound_penalty = fields.Boolean()
    upfront_fees = fields.List(fields.Nested(FeeSchema))
    apr = fields.String(dump_only=True, metadata={"description": "the highest APR over the product's amount and "
                                                                 "term range, fees included"})
    apr_range = fields.Nested(AprRangeSchema, dump_only=True)
    active = fields.Boolean(dump_only=True)
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)


class ProductPatchSchema(Strict):
    """A correction: only the fields given change. Name, `active` and the lending limits at any time; the terms loans
    are priced by (repayment method, rates, penalty, grace, prepayment fee, allocation, fees) only while no
    application uses the product (409 PRODUCT_IN_USE)."""
    name = fields.String(validate=validate.Length(min=1, max=100))
    active = fields.Boolean(metadata={"description": "false: no longer offered (applications are refused)"})
    repayment_method = fields.String(validate=validate.OneOf(METHODS))
    annual_rate = rate()
    min_term_months = StrictInteger()
    max_term_months = StrictInteger()
    min_amount = money()
    max_amount = money()
    max_ltv = rate()
    penalty_markup = rate()
    grace_days = StrictInteger()
    prepayment_fee_rate = rate()
    prepayment_fee_free_after_months = StrictInteger(allow_none=True)
    allocation = fields.String(validate=validate.OneOf(("installment_first", "type_first")))
    compound_penalty = fields.Boolean()
    upfront_fees = fields.List(fields.Nested(FeeSchema))


class ProductListArgs(PageArgs):
    active = fields.Boolean()


class LprSchema(Strict):
    effective_on = IsoDate(required=True)
    one_year = rate(required=True)
    five_year = rate(allow_none=True)
    created_by = fields.String(dump_only=True)


class CreditLineSchema(Strict):
    id = fields.String(dump_only=True)
    customer_id = fields.String(required=True)
    limit = money(required=True)
    expires_on = IsoDate(required=True)
    revolving = fields.Boolean()
    status = fields.String(dump_only=True, validate=validate.OneOf(("pending", "approved", "rejected")))
    expired = fields.Boolean(dump_only=True)
    available = fields.String(dump_only=True)
    officer_id = fields.String(dump_only=True)
    department_id = fields.String(dump_only=True, allow_none=True)
    decided_by = fields.String(dump_only=True, allow_none=True)
    decided_at = fields.String(dump_only=True, allow_none=True, metadata=TIMESTAMP)
    comment = fields.String(dump_only=True, allow_none=True)
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)


class CreditLineListArgs(PageArgs):
    customer_id = fields.String()
    status = fields.String(validate=validate.OneOf(("pending", "approved", "rejected")))


class StepSchema(Schema):
    step = fields.String()
    outcome = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)
    actor_id = fields.String()
    actor_name = fields.String(allow_none=True)
    at = fields.String(metadata=TIMESTAMP)


class InterestCapSchema(Schema):
    cap = fields.String(allow_none=True, metadata={"description": "4 × the one-year LPR"})
    exceeds = fields.Boolean()
    overridden_by = fields.String(allow_none=True)
    override_reason = fields.String(allow_none=True)


class ApplicationSchema(Strict):
    id = fields.String(dump_only=True)
    customer_id = fields.String(required=True)
    customer_name = fields.String(dump_only=True)
    product_id = fields.String(required=True)
    vehicle_id = fields.String(required=True)
    amount = money(required=True)
    term_months = StrictInteger(required=True)
    credit_line_id = fields.String(allow_none=True)
    status = fields.String(dump_only=True, validate=validate.OneOf(APPLICATION_STATUSES))
    status_label = Label("status", "application_status", dump_only=True)
    officer_id = fields.String(dump_only=True)
    department_id = fields.String(dump_only=True, allow_none=True)
    valuation_id = fields.String(dump_only=True, allow_none=True)
    appraised_value = fields.String(dump_only=True, allow_none=True)
    apr = fields.String(dump_only=True, allow_none=True)
    interest_cap = fields.Nested(InterestCapSchema, dump_only=True)
    investigated_by = fields.String(dump_only=True, allow_none=True)
    findings = fields.String(dump_only=True, allow_none=True)
    recommendation = fields.String(dump_only=True, allow_none=True)
    income_verified = fields.Boolean(dump_only=True, allow_none=True)
    home_visit = fields.String(dump_only=True, allow_none=True)
    work_visit = fields.String(dump_only=True, allow_none=True)
    first_decision_by = fields.String(dump_only=True, allow_none=True)
    second_decision_by = fields.String(dump_only=True, allow_none=True)
    loan_id = fields.String(dump_only=True, allow_none=True)
    submitted_at = fields.String(dump_only=True, metadata=TIMESTAMP)
    steps = fields.List(fields.Nested(StepSchema), dump_only=True)


class ApplicationListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(APPLICATION_STATUSES))
    customer_id = fields.String()


class InvestigationSchema(Strict):
    findings = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    recommendation = fields.String(required=True, validate=validate.OneOf(("approve", "reject")))
    income_verified = fields.Boolean(allow_none=True)
    home_visit = fields.String(allow_none=True, validate=validate.Length(max=1000))
    work_visit = fields.String(allow_none=True, validate=validate.Length(max=1000))


class OverrideSchema(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=5, max=500))


class ContractSchema(Strict):
    signed_on = IsoDate(required=True)
    first_due_date = IsoDate(allow_none=True)


class LoanFeeSchema(Schema):
    name = fields.String()
    amount = fields.String()


class DisbursementSchema(Strict):
    id = fields.String(dump_only=True)
    loan_id = fields.String(dump_only=True)
    payee_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    payee_account = fields.String(required=True, metadata={"description": "bank account; masked in responses"})
    amount = money(required=True, metadata={"description": "principal − deducted fees"})
    status = fields.String(dump_only=True, validate=validate.OneOf(("pending_review", "approved", "rejected")))
    registered_by = fields.String(dump_only=True)
    registered_at = fields.String(dump_only=True, metadata=TIMESTAMP)
    reviewed_by = fields.String(dump_only=True, allow_none=True)
    reviewed_at = fields.String(dump_only=True, allow_none=True, metadata=TIMESTAMP)
    voucher_no = fields.String(dump_only=True, allow_none=True)
    disbursed_on = fields.String(dump_only=True, allow_none=True, metadata=DATE)
    comment = fields.String(dump_only=True, allow_none=True)


class DisbursementReviewSchema(Strict):
    approve = fields.Boolean(required=True)
    voucher_no = fields.String(allow_none=True, validate=validate.Length(min=1, max=50),
                               metadata={"description": "required to approve"})
    disbursed_on = IsoDate(allow_none=True, metadata={"description": "required to approve"})
    comment = fields.String(allow_none=True, validate=validate.Length(max=500))


class NextDueSchema(Schema):
    no = fields.Integer()
    due_date = fields.String(metadata=DATE)
    amount = fields.String(metadata={"description": "what the installment still owes"})


class LoanSchema(Schema):
    id = fields.String()
    contract_no = fields.String()
    application_id = fields.String()
    customer_id = fields.String()
    customer_name = fields.String()
    product_id = fields.String()
    vehicle_id = fields.String()
    credit_line_id = fields.String(allow_none=True)
    officer_id = fields.String()
    department_id = fields.String(allow_none=True)
    principal = fields.String()
    term_months = fields.Integer()
    repayment_method = fields.String()
    repayment_method_label = Label("repayment_method", "repayment_method")
    annual_rate = fields.String()
    apr = fields.String()
    penalty_markup = fields.String()
    grace_days = fields.Integer()
    fees = fields.List(fields.Nested(LoanFeeSchema))
    fees_total = fields.String()
    net_amount = fields.String()
    signed_on = fields.String(metadata=DATE)
    disbursed_on = fields.String(allow_none=True, metadata=DATE)
    first_due_date = fields.String(allow_none=True, metadata=DATE)
    maturity_date = fields.String(allow_none=True, metadata=DATE)
    status = fields.String(validate=validate.OneOf(LOAN_STATUSES))
    status_label = Label("status", "loan_status")
    outstanding_principal = fields.String()
    advance_balance = fields.String(metadata={"description": "预收款 held for the next due date"})
    settled_on = fields.String(allow_none=True, metadata=DATE)
    dpd = fields.Integer()
    classification = fields.String(allow_none=True, metadata={"description": "五级分类, as post-loan graded it"})
    classification_label = Label("classification", "grade", allow_none=True)
    restructured = fields.Boolean(metadata={"description": "重组: extended (展期)"})
    extended_months = fields.Integer()
    created_at = fields.String(metadata=TIMESTAMP)
    disbursement = fields.Nested(DisbursementSchema, allow_none=True)
    accrued_penalty = fields.String(metadata={"description": "罚息 accrued and unpaid, to the fen"})
    next_due = fields.Nested(NextDueSchema, allow_none=True)


MAX_DPD = 99_999  # as the loan service's filter: far beyond any loan's life


class LoanListArgs(PageArgs):
    customer_id = fields.String()
    status = fields.String(validate=validate.OneOf(LOAN_STATUSES))
    min_dpd = QueryInteger(validate=validate.Range(min=0, max=MAX_DPD), metadata={
        "description": "逾期天数 at least this (inclusive): 1 = overdue, 31 = PAR30, 91 = PAR90"})
    max_dpd = QueryInteger(validate=validate.Range(min=0, max=MAX_DPD), metadata={
        "description": "逾期天数 at most this (inclusive), not below `min_dpd`: 0 = current"})
    classification = fields.String(validate=validate.OneOf(GRADES), metadata={
        "description": f"五级分类 the loan was last given: {GRADES_DESCRIPTION}"})

    @validates_schema
    def a_range_not_upside_down(self, data, **kwargs):
        low, high = data.get("min_dpd"), data.get("max_dpd")
        if low is not None and high is not None and low > high:
            raise ValidationError("cannot be less than min_dpd", "max_dpd")


class LoanScheduleSchema(Schema):
    loan_id = fields.String()
    fixed = fields.Boolean(metadata={"description": "false: a preview until the money is paid out"})
    installments = fields.List(fields.Nested(InstallmentSchema))
    total_interest = fields.String()
    total_payment = fields.String()


# -- finance -----------------------------------------------------------------------------------
FORMATS = ("json", "xlsx")


class EntryLineSchema(Schema):
    account = fields.String()
    debit = fields.String()
    credit = fields.String()


class JournalEntrySchema(Schema):
    id = fields.String()
    posted_on = fields.String(metadata=DATE)
    source_type = fields.String()
    source_event_id = fields.String(allow_none=True)
    loan_id = fields.String(allow_none=True)
    memo = fields.String()
    reverses_id = fields.String(allow_none=True)
    created_by = fields.String()
    created_at = fields.String(metadata=TIMESTAMP)
    lines = fields.List(fields.Nested(EntryLineSchema))


class EntryListArgs(PageArgs):
    loan_id = fields.String()
    date_from = IsoDate(data_key="from")
    date_to = IsoDate(data_key="to")


class ReverseSchema(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=200))
    posted_on = IsoDate(allow_none=True, metadata={"description": "default today"})


class AsOfArgs(Strict):
    as_of = IsoDate(metadata={"description": "default today"})


class TrialBalanceRowSchema(Schema):
    account = fields.String()
    name = BuiltinName("account", code="account")
    debit = fields.String()
    credit = fields.String()
    balance = fields.String()
    normal_side = fields.String()


class TrialBalanceSchema(Schema):
    as_of = fields.String(metadata=DATE)
    accounts = fields.List(fields.Nested(TrialBalanceRowSchema))
    total_debit = fields.String()
    total_credit = fields.String()
    balanced = fields.Boolean()


class LedgerArgs(PageArgs):
    date_from = IsoDate(data_key="from")
    date_to = IsoDate(data_key="to")
    as_of = IsoDate()
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))


class LedgerSchema(Schema):
    columns = fields.List(fields.List(fields.String()), metadata={"description": "[key, title] pairs"})
    items = fields.List(fields.Dict())
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


class CashJournalArgs(LedgerArgs):
    account = fields.String(metadata={"description": "bank account code; default: the default account"})


class BankAccountSchema(Strict):
    id = fields.String(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=30))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    bank_name = fields.String(allow_none=True)
    account_no = fields.String(allow_none=True)
    opening_balance = money()
    opened_on = IsoDate(required=True)
    is_default = fields.Boolean()


class CashJournalSchema(LedgerSchema):
    bank_account = fields.Nested(BankAccountSchema)
    opening_balance = fields.String()


class GradeSchema(Schema):
    classification = fields.String()
    label = Label("classification", "grade")
    loans = fields.Integer()
    outstanding_principal = fields.String()
    provision_rate = fields.String()
    required_provision = fields.String()


class PortfolioSchema(Schema):
    as_of = fields.String(metadata=DATE)
    grades = fields.List(fields.Nested(GradeSchema))
    outstanding_principal = fields.String()
    required_provision = fields.String()
    booked_provision = fields.String()
    par30 = fields.String(metadata={"description": "share of outstanding principal more than 30 days past due"})


class PeriodArgs(Strict):
    date_from = IsoDate(data_key="from")
    date_to = IsoDate(data_key="to")
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))


class MonthlyIncomeSchema(Schema):
    columns = fields.List(fields.List(fields.String()))
    items = fields.List(fields.Dict())
    date_from = fields.String(attribute="from", data_key="from", metadata=DATE)
    date_to = fields.String(attribute="to", data_key="to", metadata=DATE)


class AccountSchema(Strict):
    code = fields.String(required=True)
    name = BuiltinName("account", required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(required=True, validate=validate.OneOf(("asset", "liability", "equity", "income",
                                                                 "expense")))
    normal_side = fields.String(validate=validate.OneOf(("debit", "credit")))
    builtin = fields.Boolean(dump_only=True)


class ProvisionRunSchema(Strict):
    as_of = IsoDate(required=True, metadata={"description": "the month end provisioned for"})


class ProvisionResultSchema(Schema):
    as_of = fields.String(metadata=DATE)
    required = fields.String()
    change = fields.String()
    entry_id = fields.String(allow_none=True)


class AllocationSchema(Schema):
    principal = fields.String()
    interest = fields.String()
    penalty = fields.String()
    fees = fields.String()
    advance = fields.String(metadata={"description": "beyond what is due now: held as 预收款"})


class AllocationLineSchema(Schema):
    no = fields.Integer()
    principal = fields.String()
    interest = fields.String()
    penalty = fields.String()
    fees = fields.String()


REPAYMENT_STATUSES = ("recorded", "reversed")


class RepaymentSchema(Strict):
    id = fields.String(dump_only=True)
    loan_id = fields.String(dump_only=True)
    amount = money(required=True)
    paid_on = IsoDate(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(
        ("bank_transfer", "auto_debit", "cash", "wechat", "alipay", "other")))
    payer_name = fields.String(allow_none=True, validate=validate.Length(min=1, max=100),
                               metadata={"description": "付款人 as on the bank statement; default the borrower"})
    voucher_no = fields.String(allow_none=True, validate=validate.Length(min=1, max=50),
                               metadata={"description": "凭证号 / bank reference, to match the bank statement"})
    status = fields.String(dump_only=True, validate=validate.OneOf(REPAYMENT_STATUSES),
                           metadata={"description": "recorded 已入账, reversed 已冲正"})
    status_label = Label("status", "repayment_status", dump_only=True)
    reversal = fields.Nested(lambda: ReversalSchema(), dump_only=True, allow_none=True,
                             metadata={"description": "its latest reversal request (pending, approved or rejected)"})
    allocation = fields.Nested(AllocationSchema, dump_only=True)
    lines = fields.List(fields.Nested(AllocationLineSchema), dump_only=True)
    recorded_by = fields.String(dump_only=True)
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)
    loan_status = fields.String(dump_only=True)
    outstanding_principal = fields.String(dump_only=True)
    advance_balance = fields.String(dump_only=True)


class ReversalRequestSchema(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500),
                           metadata={"description": "why the repayment was a mistake (冲正原因)"})


class ReversalSchema(Schema):
    id = fields.String()
    loan_id = fields.String()
    repayment_id = fields.String()
    reason = fields.String()
    status = fields.String(validate=validate.OneOf(("pending", "approved", "rejected")))
    requested_by = fields.String()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.String(allow_none=True, metadata=TIMESTAMP)
    comment = fields.String(allow_none=True)
    reversed_on = fields.String(allow_none=True, metadata={**DATE, "description": "business date it took effect"})
    created_at = fields.String(metadata=TIMESTAMP)
    repayment = fields.Nested(RepaymentSchema, metadata={"description": "on approval: the repayment, reversed"})


class CobRequestSchema(Strict):
    business_date = IsoDate(required=True, metadata={"description": "close every business date up to this one"})


class CobSchema(Schema):
    business_date = fields.String(metadata=DATE)
    status = fields.String(validate=validate.OneOf(("queued", "running", "done")))
    loans = fields.Integer(metadata={"description": "active loans closed for the (last) date"})
    overdue = fields.Integer()
    events = fields.Integer()
    started_by = fields.String()
    finished_at = fields.String(allow_none=True, metadata=TIMESTAMP)
    partitions = fields.Dict(keys=fields.String(), values=fields.Integer(),
                             metadata={"description": "loan-id ranges of the date by status (pending / done)"})


class PrepaymentSchema(Strict):
    paid_on = IsoDate(required=True)
    full = fields.Boolean(required=True, metadata={"description": "true: pay the loan off; false: repay `amount` "
                                                                  "of principal early and rebuild the schedule"})
    amount = money(allow_none=True, load_only=True,
                   metadata={"description": "partial only: the principal to repay early (less than outstanding)"})
    mode = fields.String(allow_none=True, validate=validate.OneOf(("reduce_installment", "shorten_term")),
                         metadata={"description": "partial only: reduce_installment (same term, default) or "
                                                  "shorten_term (same installment)"})
    channel = fields.String(load_only=True, validate=validate.OneOf(
        ("bank_transfer", "auto_debit", "cash", "wechat", "alipay", "other")))


class RebuiltScheduleSchema(Schema):
    installments = fields.Integer()
    next_installment = fields.String()
    maturity_date = fields.String(metadata=DATE)
    lines = fields.List(fields.Nested(InstallmentSchema))


class PrepaymentQuoteSchema(Schema):
    id = fields.String(metadata={"description": "on execution: the prepayment's id"})
    loan_id = fields.String()
    paid_on = fields.String(metadata=DATE)
    full = fields.Boolean()
    principal = fields.String()
    interest = fields.String(metadata={"description": "accrued since the last due date: days × rate / 360"})
    fee = fields.String(metadata={"description": "prepayment fee, waived after the product's free period"})
    advance_used = fields.String()
    amount = fields.String(metadata={"description": "to pay now"})
    accrued_days = fields.Integer()
    loan_status = fields.String()
    schedule_after = fields.Nested(RebuiltScheduleSchema, metadata={"description": "partial: the schedule left"})


class ExtensionSchema(Strict):
    id = fields.String(dump_only=True)
    loan_id = fields.String(dump_only=True)
    extra_months = StrictInteger(required=True, validate=validate.Range(min=1, max=36))
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))
    status = fields.String(dump_only=True, validate=validate.OneOf(("pending", "approved", "rejected")))
    requested_by = fields.String(dump_only=True)
    decided_by = fields.String(dump_only=True, allow_none=True)
    decided_at = fields.String(dump_only=True, allow_none=True, metadata=TIMESTAMP)
    comment = fields.String(dump_only=True, allow_none=True)
    maturity_before = fields.String(dump_only=True, metadata=DATE)
    maturity_after = fields.String(dump_only=True, allow_none=True, metadata=DATE)
    next_installment = fields.String(dump_only=True, metadata={"description": "on approval: the new installment"})
    installments = fields.Integer(dump_only=True)
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)


class TransferSchema(Strict):
    id = fields.String(dump_only=True)
    loan_id = fields.String(dump_only=True)
    from_customer_id = fields.String(dump_only=True)
    to_customer_id = fields.String(required=True)
    to_customer_name = fields.String(dump_only=True)
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))
    status = fields.String(dump_only=True, validate=validate.OneOf(("pending", "approved", "rejected")))
    requested_by = fields.String(dump_only=True)
    decided_by = fields.String(dump_only=True, allow_none=True)
    decided_at = fields.String(dump_only=True, allow_none=True, metadata=TIMESTAMP)
    comment = fields.String(dump_only=True, allow_none=True)
    supplement_no = fields.String(dump_only=True, allow_none=True, metadata={"description": "补充协议编号"})
    created_at = fields.String(dump_only=True, metadata=TIMESTAMP)


# -- post-loan (collection) --------------------------------------------------------------------
COLLECTION_TASK_STATUSES = ("open", "closed")
COLLECTION_STAGES = ("call_sms", "visit", "legal")
COLLECTION_CHANNELS = ("call", "sms", "visit", "letter")
PROMISE_STATUSES = ("pending", "kept", "broken")
WARNING_LEVELS = ("low", "medium", "high")
WARNING_STATUSES = ("open", "resolved")


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


# -- audit log (审计日志) -----------------------------------------------------------------------------
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


# -- inbox (我的待办) -------------------------------------------------------------------------------
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


# -- 驾驶舱 dashboard ------------------------------------------------------------------------------------
def _amount(description):
    return fields.String(required=True, metadata={"description": description, "example": "150000.00"})


def _fraction(description):
    return fields.String(required=True, metadata={"description": f"{description}: a fraction to 4 decimals",
                                                  "example": "0.0325"})


class DashboardStatusCountSchema(Schema):
    status = fields.String(required=True)
    status_label = Label("status", "application_status", required=True)
    count = fields.Integer(required=True)


class DashboardApplicationsSchema(Schema):
    total = fields.Integer(required=True)
    by_status = fields.List(fields.Nested(DashboardStatusCountSchema), required=True,
                            metadata={"description": "every application status, in the order of the flow"})


class DashboardPortfolioSchema(Schema):
    outstanding_principal = _amount("principal outstanding on active loans")
    active_loans = fields.Integer(required=True, metadata={"description": "loans paid out and not settled"})
    overdue_loans = fields.Integer(required=True, metadata={"description": "active loans at least a day past due"})
    overdue_principal = _amount("outstanding principal of the loans past due (their whole balance)")
    overdue_rate = _fraction("overdue principal / outstanding principal")
    par30_principal = _amount("outstanding principal of loans more than 30 days past due")
    par30 = _fraction("PAR30")
    par90_principal = _amount("outstanding principal of loans more than 90 days past due")
    par90 = _fraction("PAR90")


class DashboardMonthSchema(Schema):
    date_from = fields.String(required=True, attribute="from", data_key="from", metadata=DATE)
    date_to = fields.String(required=True, attribute="to", data_key="to", metadata=DATE)
    disbursed_count = fields.Integer(required=True, metadata={"description": "disbursements approved, by their "
                                                                             "disbursement date"})
    disbursed_amount = _amount("paid out (principal less the fees deducted)")
    disbursed_principal = _amount("principal of the loans paid out")
    collected = _amount("received from borrowers: repayments not reversed and early repayments")


class DashboardFlowsSchema(Schema):
    this_month = fields.Nested(DashboardMonthSchema, required=True,
                               metadata={"description": "the business month to the business date"})
    last_month = fields.Nested(DashboardMonthSchema, required=True, metadata={"description": "the whole month before"})


class DashboardGradeSchema(Schema):
    grade = fields.String(required=True)
    grade_label = Label("grade", "grade", required=True)
    loans = fields.Integer(required=True)
    outstanding_principal = _amount("outstanding principal of the loans in this grade")
    share = _fraction("share of the graded balance")


class DashboardGradesSchema(Schema):
    outstanding_principal = _amount("outstanding principal of the active loans graded")
    loans = fields.Integer(required=True)
    by_grade = fields.List(fields.Nested(DashboardGradeSchema), required=True,
                           metadata={"description": "the five grades, best to worst"})


class DashboardStageSchema(Schema):
    stage = fields.String(required=True)
    stage_label = Label("stage", "collection_stage", required=True)
    open_tasks = fields.Integer(required=True)
    outstanding_principal = _amount("outstanding principal of the loans these tasks chase")


class DashboardFunnelSchema(Schema):
    open_tasks = fields.Integer(required=True)
    by_stage = fields.List(fields.Nested(DashboardStageSchema), required=True,
                           metadata={"description": "calls and SMS → field visit → legal action"})


class DashboardSchema(Schema):
    as_of = fields.String(allow_none=True, metadata={**DATE, "description": "the business date the figures are "
                                                                             "counted at (Asia/Shanghai)"})
    applications = fields.Nested(DashboardApplicationsSchema, metadata={"description": "applications by status"})
    portfolio = fields.Nested(DashboardPortfolioSchema, metadata={"description": "the loan book and its arrears"})
    flows = fields.Nested(DashboardFlowsSchema, metadata={"description": "paid out and collected, this month and "
                                                                          "last"})
    grades = fields.Nested(DashboardGradesSchema, metadata={"description": "balance by five-level grade"})
    collection_funnel = fields.Nested(DashboardFunnelSchema, metadata={"description": "open collection tasks by "
                                                                                      "stage"})
    unavailable = fields.List(fields.String(), required=True, metadata={
        "description": "services that did not answer in time: their figures are missing from this answer"})
