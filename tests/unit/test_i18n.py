"""The gateway speaks Simplified Chinese unless asked for English: negotiation, the catalogue's coverage of every
error code raised anywhere, of every field message people can meet, and of every label and built-in name."""
import ast
import datetime as dt
import re
import string
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from marshmallow import Schema, fields, validate
from webargs.flaskparser import parser

from gateway import i18n, problems
from gateway.i18n import EN, ZH
from services.common import errors
from services.common.errors import Conflict, RuleViolated, field_error

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")


# -- which language -----------------------------------------------------------------------------------
@pytest.mark.parametrize("header, language", [
    (None, ZH), ("", ZH), ("zh-CN", ZH), ("zh", ZH), ("zh-TW", ZH), ("fr", ZH), ("*", ZH), ("garbage;;q", ZH),
    ("en", EN), ("en-US", EN), ("en-US,en;q=0.9", EN), ("EN-gb", EN), ("fr, en;q=0.5", EN),
    ("zh-CN,en;q=0.9", ZH), ("en;q=0.4, zh;q=0.8", ZH), ("zh;q=0.5, en;q=0.8", EN), ("en;q=0", ZH),
    ("en;q=0, zh;q=0.1", ZH), ("en;q=abc", ZH), ("en;q=1.5", ZH), ("de, *;q=0.1", ZH),
])
def test_the_answer_is_in_the_best_language_the_client_accepts_chinese_by_default(header, language):
    assert i18n.negotiate(header) == language


# -- every error code has its Chinese -----------------------------------------------------------------
ERROR_CALLS = {"ValidationFailed", "NotFound", "Conflict", "Forbidden", "Unauthenticated", "RateLimited",
               "Unavailable", "RuleViolated", "DomainError", "field_error", "Refused"}
CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\Z")
# Raise sites whose code is neither a literal nor a parameter: (file, variable). Their codes come from a domain
# function returning (code, message), which the scan reads from its `return` statements.
FROM_DOMAIN_TUPLES = {("services/collateral/service.py", "code")}


def _name(func):
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _code_expr(call):
    if _name(call.func) == "Refused" and call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == "code"), None)


def _sources():
    for folder in ("services", "gateway"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text())


def _functions(tree):
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _assigned(function, name):
    """The values assigned to a local variable in a function."""
    return [node.value for node in ast.walk(function) if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)]


def _constants(expr, function):
    """(codes, unresolved variable) for an expression giving a code."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value], None
    if isinstance(expr, ast.IfExp):
        body, a = _constants(expr.body, function)
        orelse, b = _constants(expr.orelse, function)
        return body + orelse, a or b
    if isinstance(expr, ast.BoolOp):
        found = [_constants(value, function) for value in expr.values]
        return [c for codes, _ in found for c in codes], next((u for _, u in found if u), None)
    if isinstance(expr, ast.Name) and function is not None:
        values = [v for v in _assigned(function, expr.id) if not isinstance(v, (ast.Name, ast.Call, ast.Subscript))]
        if values:
            found = [_constants(value, function) for value in values]
            return [c for codes, _ in found for c in codes], next((u for _, u in found if u), None)
        return [], expr.id
    return [], None  # exc.code and the like: an error passed on with the code it was raised with


def codes_raised():
    """Every error code the services and the gateway can raise, with where: literal codes of error constructors,
    codes passed to helpers that raise with them (`_visible(..., "LOAN_NOT_FOUND")`, `makerchecker.decide(...,
    "REVERSAL")` → REVERSAL_ALREADY_DECIDED), domain functions returning (code, message), the error classes' own."""
    sources = list(_sources())
    helpers = {}  # function name -> [(positional index for a call, parameter name, template)]
    unresolved = set()
    for path, tree in sources:
        for function in _functions(tree):
            params = [a.arg for a in function.args.args]
            shift = 1 if params[:1] in (["self"], ["cls"]) else 0
            for call in (n for n in ast.walk(function) if isinstance(n, ast.Call) and _name(n.func) in ERROR_CALLS):
                expr = _code_expr(call)
                if isinstance(expr, ast.Name) and expr.id in params:
                    helpers.setdefault(function.name, []).append((params.index(expr.id) - shift, expr.id, "{}"))
                elif isinstance(expr, ast.JoinedStr):
                    parts = [(p.value.id if isinstance(p, ast.FormattedValue) else p.value) for p in expr.values]
                    names = [p.value.id for p in expr.values if isinstance(p, ast.FormattedValue)]
                    if len(names) == 1 and names[0] in params:
                        template = "".join("{}" if p == names[0] else p for p in parts)
                        helpers.setdefault(function.name, []).append((params.index(names[0]) - shift, names[0],
                                                                      template))
    found = {}

    def add(codes, where):
        for code in codes:
            if CODE.match(code):
                found.setdefault(code, where)

    for path, tree in sources:
        owner = {}
        for function in _functions(tree):
            for node in ast.walk(function):
                owner.setdefault(id(node), function)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name, function = _name(node.func), owner.get(id(node))
                where = f"{path}:{node.lineno}"
                if name in ERROR_CALLS:
                    expr = _code_expr(node)
                    if expr is None or isinstance(expr, ast.JoinedStr):
                        continue
                    if isinstance(expr, ast.Name) and function is not None and expr.id in [
                            a.arg for a in function.args.args]:
                        continue  # a helper's parameter: its callers' codes are read below
                    codes, variable = _constants(expr, function)
                    add(codes, where)
                    if variable:
                        unresolved.add((path, variable))
                for index, param, template in helpers.get(name, ()):
                    args = {k.arg: k.value for k in node.keywords}
                    arg = args.get(param, node.args[index] if 0 <= index < len(node.args) else None)
                    if arg is not None:
                        add([template.format(c) for c in _constants(arg, function)[0]], where)
            elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and node.value.elts:
                first = node.value.elts[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str) and "_" in first.value:
                    add([first.value], f"{path}:{node.lineno}")
    for cls in vars(errors).values():
        if isinstance(cls, type) and issubclass(cls, errors.DomainError):
            add([cls.code], "services/common/errors.py")
    add(problems.HTTP_CODES.values(), "gateway/problems.py")
    add(["ERROR"], "gateway/problems.py")
    return found, unresolved


def test_every_error_code_raised_anywhere_has_a_chinese_message():
    found, unresolved = codes_raised()
    # the scan sees codes however they are passed
    assert {"AMOUNT_OUT_OF_RANGE", "LOAN_NOT_FOUND", "REVERSAL_ALREADY_DECIDED", "ADJUSTMENT_ALREADY_DECIDED",
            "DISBURSEMENT_NOT_REGISTERED", "DEPARTMENT_CODE_TAKEN", "VIN_INVALID", "SELF_REVIEW",
            "TASK_CANCELLED", "TOKEN_EXPIRED", "SERVICE_UNAVAILABLE", "PAYLOAD_TOO_LARGE",
            "JSON_TOO_DEEP"} <= set(found)
    assert unresolved <= FROM_DOMAIN_TUPLES, (
        f"codes the scan cannot read (pass a literal, or a helper's parameter): {sorted(unresolved)}")
    missing = {code: where for code, where in found.items() if "zh" not in i18n.PROBLEMS.get(code, {})}
    assert not missing, f"add these codes to gateway/messages.toml: {missing}"


def _entries():
    for code, entry in i18n.PROBLEMS.items():
        yield code, entry
        for kind in ("reasons", "fields"):
            for key, variant in entry.get(kind, {}).items():
                yield f"{code}.{kind}.{key}", variant


def test_every_catalogue_text_is_chinese_or_english_and_names_only_known_vocabularies():
    for name, entry in _entries():
        assert "zh" in entry, name
        for key in ("zh", "en"):
            texts = entry.get(key, [])
            for text in [texts] if isinstance(texts, str) else texts:
                if key == "zh":
                    assert CJK.search(text), (name, text)
                for _, field, spec, _ in string.Formatter().parse(text):
                    vocabulary = (spec or "").partition("|")[0]
                    assert not vocabulary or vocabulary in i18n.LABELS, (name, vocabulary)


# -- problems in either language ------------------------------------------------------------------------
def test_a_refusal_reads_in_chinese_with_the_values_of_its_extension_members():
    title, detail, shown = i18n.problem_text(
        "AMOUNT_OUT_OF_RANGE", 422, RuleViolated.title, "the product lends 10000.00 to 500000.00",
        {"amount": ["the product lends 10000.00 to 500000.00"]}, {"min_amount": "10000.00", "max_amount": "500000.00"},
        ZH)
    assert (title, detail) == ("业务规则不允许", "该产品的贷款金额为 10000.00 至 500000.00 元")
    assert shown == {"amount": [detail]}  # the field says what the problem says
    title, detail, shown = i18n.problem_text(
        "AMOUNT_OUT_OF_RANGE", 422, RuleViolated.title, "the product lends 10000.00 to 500000.00",
        {"amount": ["the product lends 10000.00 to 500000.00"]}, {"min_amount": "10000.00", "max_amount": "500000.00"},
        EN)
    assert (title, detail, shown["amount"]) == (RuleViolated.title, "the product lends 10000.00 to 500000.00",
                                                ["the product lends 10000.00 to 500000.00"])


def test_a_reason_or_the_field_at_fault_picks_the_message_and_a_missing_value_a_plainer_one():
    assert i18n.problem_text("SEGREGATION_OF_DUTIES", 403, "Forbidden", "x", None, {"reason": "investigator"},
                             ZH)[1] == "贷前调查须由提交申请的客户经理以外的人进行"
    assert i18n.problem_text("DATE_REQUIRED", 422, "Validation failed", "removed_on: the removal date is required",
                             {"removed_on": ["the removal date is required"]}, {}, ZH)[1:] == (
        "请填写拆除日期", {"removed_on": ["请填写拆除日期"]})
    assert i18n.problem_text("LOAN_STATE", 409, "Conflict", "the loan is settled", None,
                             {"status": "settled"}, ZH)[1] == "贷款当前为“已结清”，不能进行此操作"
    assert i18n.problem_text("LOAN_STATE", 409, "Conflict", "the loan is settled", None, {}, ZH)[1] == \
        "贷款当前的状态不允许此操作"
    # a variant without English leaves the service's more precise words
    assert i18n.problem_text("LOAN_STATE", 409, "Conflict", "the loan is settled; only an active loan is extended",
                             None, {"reason": "not_active", "status": "settled"}, EN)[1] == \
        "the loan is settled; only an active loan is extended"


def test_lists_and_codes_in_a_message_are_shown_by_their_labels():
    assert i18n.problem_text("PERMISSION_DENIED", 403, "Forbidden", "this action needs the permission a or b", None,
                             {"permissions": ["loan.approve.first", "loan.approve.second"]}, ZH)[1] == \
        "此操作需要权限：一级审批 或 二级审批"
    assert i18n.problem_text("GRADE_BELOW_FLOOR", 422, RuleViolated.title, "次级 is better than …", None,
                             {"grade": "normal", "floor": "substandard"}, EN)[1].startswith(
        "Normal is better than the floor Substandard")


def test_an_unknown_code_falls_back_to_the_chinese_title_and_the_english_detail():
    assert i18n.problem_text("SOMETHING_NEW", 409, "Conflict", "a detail", None, {}, ZH)[:2] == (
        "与当前状态冲突", "与当前状态冲突：a detail")
    assert i18n.problem_text("SOMETHING_NEW", 409, "Conflict", "a detail", None, {}, EN)[:2] == ("Conflict", "a detail")


@pytest.fixture
def client():
    app = Flask(__name__)
    problems.register(app)
    i18n.register(app)

    @app.post("/refuse")
    def refuse():
        raise Conflict("a vehicle with VIN LSVAU2180N2183294 is already registered", code="VEHICLE_DUPLICATE",
                       extra={"existing_id": "v-1", "vin": "LSVAU2180N2183294"})

    @app.post("/field")
    def field():
        raise field_error("vin", "the check digit (9th character) is '3' but should be 'X'; a character was "
                          "probably mistyped", code="VIN_INVALID")

    @app.post("/args")
    @parser.use_args({"page": fields.Integer(required=True, validate=validate.Range(min=1, max=100))},
                     location="json")
    def args(_args):
        return {}

    @app.errorhandler(422)
    def unprocessable(exc):
        return problems.from_http_exception(exc)

    @app.get("/ok")
    def ok():
        return {"ok": True}
    return app.test_client()


def test_problems_through_the_gateway_speak_chinese_and_english_on_request(client):
    zh = client.post("/refuse")
    assert zh.headers["Content-Language"] == "zh-CN" and "Accept-Language" in zh.headers["Vary"]
    assert zh.json["detail"] == "车架号为 LSVAU2180N2183294 的车辆已登记（v-1）" and zh.json["title"] == "与当前状态冲突"
    assert zh.json["existing_id"] == "v-1" and zh.json["code"] == "VEHICLE_DUPLICATE"
    en = client.post("/refuse", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert en.headers["Content-Language"] == "en" and "Accept-Language" in en.headers["Vary"]
    assert en.json["detail"] == "a vehicle with VIN LSVAU2180N2183294 is already registered"
    assert en.json["title"] == "Conflict" and en.json["code"] == "VEHICLE_DUPLICATE"

    field = client.post("/field").json
    assert field["detail"] == "车架号有误：校验位（第 9 位）为 '3'，应为 'X'；可能输错了某个字符"
    assert field["errors"] == {"vin": ["校验位（第 9 位）为 '3'，应为 'X'；可能输错了某个字符"]}

    missing = client.post("/args", json={})
    assert missing.status_code == 422 and missing.json["errors"] == {"page": ["必填字段"]}
    assert missing.json["detail"] == "输入有误：page：必填字段" and missing.json["title"] == "输入有误"
    english = client.post("/args", json={"page": 0}, headers={"Accept-Language": "en"}).json
    assert english["errors"] == {"page": ["Must be greater than or equal to 1 and less than or equal to 100."]}

    answer = client.get("/ok", headers={"Accept-Language": "en"})
    assert answer.headers["Content-Language"] == "en" and "Accept-Language" in answer.headers["Vary"]


# -- field messages ------------------------------------------------------------------------------------
SAMPLES = {"obj_type": "datetime", "awareness": "aware", "input": "x", "choices": "a, b", "values": "a, b",
           "other": "1", "min": "1", "max": "9", "equal": "3", "min_op": "greater than", "max_op": "less than"}


def _standard_messages():
    """Every message marshmallow's fields and validators and webargs can produce, formatted with sample values."""
    templates = {"Unknown field.", "Invalid input type.", "Invalid JSON body."}
    for cls in vars(fields).values():
        if isinstance(cls, type) and issubclass(cls, fields.Field):
            templates.update(cls.default_error_messages.values())
    for cls in vars(validate).values():
        if isinstance(cls, type):
            templates.update(value for key, value in vars(cls).items() if isinstance(value, str)
                             and (key.startswith("message_") or key == "default_message") and "{" in value
                             or key in ("default_message",) and isinstance(value, str))
    ops = [("greater than or equal to", "less than or equal to"), ("greater than", "less than"),
           ("greater than or equal to", "less than"), ("greater than", "less than or equal to")]
    messages = set()
    for template in templates:
        if "{min_op}" in template or "{max_op}" in template:
            for low, high in ops:
                messages.add(template.format(min_op=low, max_op=high).format(**SAMPLES))
        else:
            messages.add(template.format(**SAMPLES))
    return sorted(messages)


@pytest.mark.parametrize("message", _standard_messages())
def test_every_marshmallow_and_webargs_message_reads_in_chinese(message):
    assert CJK.search(i18n.field_message(message, ZH)), message
    assert i18n.field_message(message, EN) == message


def _project_messages():
    """What the project's own validators say about bad input."""
    from services.collateral import domain as collateral
    from services.common import schemas as common
    from services.customer import domain as customer
    from services.loan.domain import origination
    from services.org import domain as org, schemas as org_schemas

    today = dt.date(2026, 5, 1)
    said = [customer.id_number_problem(v, today) for v in ("1234", "110101199902301234", "110101209901011234",
                                                           "11010519491231002Y", "110105194912310020")]
    said += [customer.uscc_problem("123")[0], customer.uscc_problem("91350100M000100Y42")[1],
             customer.phone_problem("12345")]
    said += [collateral.vin_problem(v) for v in ("ABC", "LSVAU2180N21832IO", "LSVAU2180N2183_94", "LSVAU2183N2183294")]
    said += [collateral.plate_problem("ABC"), collateral.imei_problem("123"),
             collateral.imei_problem("490154203237519"),
             collateral.valued_on_problem(today + dt.timedelta(days=1), today),
             collateral.valued_on_problem(today - dt.timedelta(days=200), today)]
    said += [message for _, message in (collateral.completion_problem("open", today + dt.timedelta(days=1), today,
                                                                      today, "gps_removal"),
                                        collateral.completion_problem("open", today - dt.timedelta(days=1), today,
                                                                      today, "gps_removal"))]
    said += [org.password_problem(p, "zhangsan") for p in ("short", "alllowercaseletters", "Zhangsan-2026-long",
                                                            "Password123!")]
    product = {"repayment_method": "x", "allocation": "y", "min_term_months": 24, "max_term_months": 12,
               "min_amount": Decimal("5"), "max_amount": Decimal("1"), "upfront_fees": [origination.Fee("a")]}
    said += [message for _, message in origination.product_problems(product)]
    said += [message for _, message in origination.product_problems(
        {**product, "repayment_method": "bullet", "max_term_months": 24, "min_term_months": 12,
         "min_amount": Decimal("100"), "max_amount": Decimal("200"),
         "upfront_fees": [origination.Fee("a", Decimal("100"))]})]
    for validator in (org_schemas.CODE, org_schemas.USERNAME, org_schemas.PHONE):
        said.append(validator.error)
    schema = Schema.from_dict({"money": common.decimal_string(12, 2, "150000.00"), "on": common.business_date(),
                               "at": common.business_timestamp(), "n": common.StrictDecimal(),
                               "day": common.IsoDate(), "when": common.IsoTimestamp(), "page": common.QueryInteger(),
                               "text": fields.String()})()
    for bad in ({"money": "1e5"}, {"on": "1999-01-01"}, {"at": "1999-01-01T00:00:00+08:00"}, {"n": "１"},
                {"day": "20270108"}, {"when": "yesterday"}, {"page": "２"}):
        said += [m for messages in schema.validate(bad).values() for m in messages]
    said += [common.bad_text("a\x00"), common.bad_text("\ud800")]
    said += ["at most 2 decimals", "give either amount or rate", "8 to 30 digits", "4 to 8 digits",
             "a date YYYY-MM-DD", "one of org, customer", "page × page_size > 10000", "1 to 200 characters",
             "required, 1 to 200 characters", "unknown role(s): x, y", "unknown permission(s): x",
             "must differ from the current password", "blacklisted"]
    return [m for m in said if m]


@pytest.mark.parametrize("message", _project_messages())
def test_the_projects_own_validators_read_in_chinese(message):
    assert CJK.search(i18n.field_message(message, ZH)), message


def test_field_messages_the_brief_names():
    assert i18n.field_message("Missing data for required field.", ZH) == "必填字段"
    assert i18n.field_message("Not a valid date.", ZH) == "不是有效的日期（YYYY-MM-DD）"
    assert i18n.field_message("the check digit is wrong", ZH) == "身份证号校验位错误"


# -- labels and built-in names -------------------------------------------------------------------------
def _service_vocabularies():
    from services.collateral import domain as collateral
    from services.collection import domain as collection
    from services.finance import domain as finance
    from services.document import contract as document
    from services.loan.domain import origination, schedule, servicing
    return {
        "document_owner_type": document.OWNER_TYPES, "media_type": {k: v[0] for k, v in document.MEDIA_TYPES.items()},
        "document_category": {code: label for code, (label, _) in document.CATEGORIES.items()},
        "application_status": origination.APPLICATION_STATUSES, "loan_status": origination.LOAN_STATUSES,
        "repayment_status": servicing.REPAYMENT_STATUSES, "repayment_method": schedule.METHODS,
        "valuation_status": collateral.VALUATION_STATUSES, "valuation_method": collateral.METHODS,
        "task_kind": {code: kind.label for code, kind in collateral.TASK_KINDS.items()},
        "task_status": collateral.TASK_STATUSES, "alert_kind": collateral.ALERT_KINDS,
        "grade": collection.GRADES, "collection_stage": collection.STAGES, "collection_channel": collection.CHANNELS,
        "warning_kind": {code: label for code, (label, _) in collection.WARNINGS.items()},
        "warning_level": collection.LEVELS,
        "account": {code: name for code, (name, _, _) in finance.DEFAULT_CHART.items()},
    }


def test_every_label_a_service_writes_has_the_same_chinese_and_an_english_one():
    from services.finance import domain as finance
    from services.loan.domain import portfolio as loan
    vocabularies = _service_vocabularies()
    assert finance.GRADE_LABELS == loan.GRADE_LABELS == vocabularies["grade"]
    for vocabulary, labels in vocabularies.items():
        assert {code: entry["zh"] for code, entry in i18n.LABELS[vocabulary].items()} == labels, vocabulary
    for vocabulary, entries in i18n.LABELS.items():
        for code, entry in entries.items():
            assert entry.get("en") and entry.get("zh"), (vocabulary, code)


def test_every_report_column_has_an_english_title():
    from services.finance import views as finance
    reports = {**finance.LEDGER_COLUMNS, "cash_journal": finance.CASH_COLUMNS}
    for report, columns in reports.items():
        for key, title in columns:
            assert i18n.LABELS["column"][f"{report}.{key}"]["zh"] == title, (report, key)
    shown = i18n.columns("repayments", [list(c) for c in finance.LEDGER_COLUMNS["repayments"]], EN)
    assert ["amount", "Amount received"] in shown and ["source", "Type"] in shown
    assert i18n.columns("repayments", [["amount", "实收金额"]], ZH) == [["amount", "实收金额"]]


def test_built_in_roles_and_permissions_have_english_names_and_a_name_someone_gave_stays():
    from services.org import domain as org
    for code, name in org.PERMISSIONS.items():
        assert i18n.LABELS["permission"].get(code, {}).get("zh") == name, f"add {code} to gateway/labels.toml"
    for role in org.BUILTIN_ROLES:
        assert i18n.LABELS["role"].get(role.code, {}).get("zh") == role.name, f"add {role.code} to gateway/labels.toml"
    assert i18n.builtin_name("role", "loan_officer", "客户经理", EN) == "Loan officer"
    assert i18n.builtin_name("role", "loan_officer", "客户经理", ZH) == "客户经理"
    assert i18n.builtin_name("role", "loan_officer", "信贷员", EN) == "信贷员"  # renamed by an administrator
    assert i18n.builtin_name("role", "night_shift", "夜班", EN) == "夜班"  # a custom role
    assert i18n.builtin_name("permission", "loan.view", "查看贷款", EN) == "View loans"


def test_label_fields_follow_the_language_of_the_request():
    class Loan(Schema):
        status = fields.String()
        status_label = i18n.Label("status", "loan_status")
        name = i18n.BuiltinName("role")
        code = fields.String()

    app = Flask(__name__)
    row = {"status": "active", "status_label": "还款中", "code": "collector", "name": "催收员"}
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert Loan().dump(row) == {**row, "status_label": "Repaying", "name": "Collector"}
    with app.test_request_context():
        assert Loan().dump(row) == row
