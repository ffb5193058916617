"""Products, the LPR table and the repayment calculator (还款试算)."""
import json

from sqlalchemy import func, select

from services.common import audit, jsonutil
from services.common.errors import Conflict, ValidationFailed, field_error
from services.common.pagination import paginate
from services.loan.domain import checklists
from services.loan.domain import origination as rules
from services.loan.domain import schedule as engine
from services.loan.models import Application, Loan, LprRate, Product, ProductVersion
from services.loan.usecases import lookups


def calculate_schedule(data):
    """The schedule and APR of a loan on these terms, with no side effects."""
    first_due = data["first_due_date"]
    if first_due is not None and first_due <= data["start_date"]:
        raise field_error("first_due_date", "must be after start_date", code="FIRST_DUE_DATE_INVALID")
    fee = data["upfront_fee"] or engine.ZERO
    if fee >= data["amount"]:
        raise field_error("upfront_fee", "the fee cannot swallow the whole amount", code="FEE_TOO_HIGH")
    return engine.build(data["amount"], data["annual_rate"], data["term_months"], data["repayment_method"],
                        data["start_date"], first_due, fee)


def _fees_json(fees):
    return [{"name": f.name, "amount": jsonutil.money(f.amount), "rate": jsonutil.rate(f.rate)} for f in fees]


def _shown(key, value):
    """A product field as a correction compares and audits it: upfront fees as their JSON, the rest as they are
    (Decimals compare by value: 0.0888 is 0.088800)."""
    return _fees_json(value) if key == "upfront_fees" else value


def _refuse_problems(problems):
    if problems:
        raise ValidationFailed("; ".join(f"{f}: {m}" for f, m in problems), code="PRODUCT_INVALID",
                               errors={f: [m] for f, m in problems})


def _checklist(given):
    """A checklist as given, checked (422 `PRODUCT_INVALID` on the item at fault) and in its stored form."""
    problems = checklists.problems(given)
    _refuse_problems(list(problems.items()))
    return checklists.dump(checklists.parse(given))


def create_product(uow, data):
    fees = [rules.Fee(f["name"], f["amount"], f["rate"]) for f in data["upfront_fees"]]
    _refuse_problems(rules.product_problems({**data, "upfront_fees": fees}))
    data = {**data, "checklist": jsonutil.dumps(_checklist(data["checklist"]))}
    if uow.session.scalars(select(Product.id).where(Product.code == data["code"])).first():
        raise Conflict(f"a product with code {data['code']} exists", code="PRODUCT_DUPLICATE",
                       extra={"product_code": data["code"]})
    product = Product(**{k: v for k, v in data.items() if k != "upfront_fees"},
                      upfront_fees=jsonutil.dumps([{"name": f.name, "amount": f.amount, "rate": f.rate}
                                                   for f in fees]),
                      active=True, version=1, created_by=uow.actor.user_id)
    uow.session.add(product)
    uow.session.flush()
    _add_version(uow, product)
    uow.audit("create_product", "product", product.id, data)
    return product


def _add_version(uow, product):
    """The product's pricing terms as they are now, kept as its version `product.version`."""
    uow.session.add(ProductVersion(product_id=product.id, version=product.version, created_by=uow.actor.user_id,
                                   **{key: getattr(product, key) for key in rules.PRODUCT_TERMS}))


def list_products(uow, active=None, page=1, page_size=20):
    query = select(Product).order_by(Product.code)
    if active is not None:
        query = query.where(Product.active == active)
    return paginate(uow.session, query, page, page_size)


def get_product(uow, product_id):
    return lookups.product(uow, product_id)


def update_product(uow, product_id, data):
    """Correct a product: its name, whether it is offered and its lending limits in place; a change of the terms
    loans are priced by (origination.PRODUCT_TERMS) makes its next version, which new applications are priced by,
    while every application and loan keeps the version it was made on. The whole product is checked again (422
    `PRODUCT_INVALID`); audited with before and after (and the version when it moves)."""
    product = lookups.product(uow, product_id, lock=True)  # submissions read it FOR SHARE: they wait, or we do
    before = {**{key: getattr(product, key) for key in (*rules.PRODUCT_LIMITS, *rules.PRODUCT_TERMS)
                 if key != "upfront_fees"}, "upfront_fees": rules.product_fees(product)}
    wanted = {key: value for key, value in data.items() if key != "checklist"}
    if "checklist" in data:
        _recheck(uow, product, _checklist(data["checklist"]))
    if "upfront_fees" in data:
        wanted["upfront_fees"] = [rules.Fee(f["name"], f["amount"], f["rate"]) for f in data["upfront_fees"]]
    changed = {key: value for key, value in wanted.items() if _shown(key, value) != _shown(key, before[key])}
    _refuse_problems(rules.product_problems({**before, **changed}))
    for key, value in changed.items():
        setattr(product, key, jsonutil.dumps(_fees_json(value)) if key == "upfront_fees" else value)
    version = rules.next_version(product.version, changed)
    if changed:
        old = {key: _shown(key, before[key]) for key in changed}
        new = {key: _shown(key, value) for key, value in changed.items()}
        if version != product.version:
            old["version"], new["version"] = product.version, version
            product.version = version
            _add_version(uow, product)
        uow.session.flush()
        uow.audit("update_product", "product", product.id, audit.changes(old, new))
    return product


def _recheck(uow, product, checklist):
    """A new 资料清单 applies at once, to the next stage any application or loan of the product passes; audited."""
    before = json.loads(product.checklist or "{}")
    if checklist != before:
        product.checklist = jsonutil.dumps(checklist)
        uow.audit("update_product", "product", product.id, audit.changes({"checklist": before},
                                                                         {"checklist": checklist}))


def list_versions(uow, product_id):
    """产品版本: (product, its versions oldest first with how many applications each prices)."""
    product = lookups.product(uow, product_id)
    versions = uow.session.scalars(select(ProductVersion).where(ProductVersion.product_id == product.id)
                                   .order_by(ProductVersion.version)).all()
    using = dict(uow.session.execute(
        select(Application.product_version, func.count()).where(Application.product_id == product.id)
        .group_by(Application.product_version)).all())
    return product, [(version, using.get(version.version, 0)) for version in versions]


def vehicle_dependents(uow, vehicle_id):
    """How many applications being decided and loans signed or running name the vehicle (counts only, without
    data scope: the question is whether anyone's work depends on it, not what the caller may see)."""
    applications = uow.session.scalar(select(func.count()).select_from(Application).where(
        Application.vehicle_id == vehicle_id, Application.status.in_(rules.LIVE_APPLICATION)))
    loans = uow.session.scalar(select(func.count()).select_from(Loan).where(
        Loan.vehicle_id == vehicle_id, Loan.status.in_(rules.LIVE_LOAN)))
    return {"applications": applications, "loans": loans}


def add_lpr(uow, data):
    if uow.session.get(LprRate, data["effective_on"]):
        raise Conflict("an LPR is already recorded for this date", code="LPR_DUPLICATE")
    row = LprRate(**data, created_by=uow.actor.user_id)
    uow.session.add(row)
    uow.audit("add_lpr", "lpr_rate", data["effective_on"].isoformat(), data)
    return row


def list_lpr(uow, page=1, page_size=20):
    return paginate(uow.session, select(LprRate).order_by(LprRate.effective_on.desc()), page, page_size)
