"""贷款申请 Applications: submitted with the customer, product and collateral checks; 贷前调查 by someone else;
审批 at one or two levels; 签约, which makes the loan. Each step is recorded with who took it."""
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.common import clock, config, jsonutil
from services.common.ask import ask
from services.common.errors import Conflict, Forbidden, field_error
from services.common.pagination import paginate
from services.common.refusal import Refused
from services.common.scope import scoped_rows
from services.loan import events
from services.loan.domain import lifecycles
from services.loan.domain import origination as rules
from services.loan.domain import schedule as engine
from services.loan.models import Application, ApplicationStep, ContractSequence, CreditDraw, Loan
from services.loan.usecases import checklists, credit, lookups

NOT_FOUND = "APPLICATION_NOT_FOUND"


def shown(uow, application, steps=None):
    """An application with the LPR in force today (its interest cap), as its view wants it."""
    return application, lookups.lpr_on(uow, clock.today()), steps


def _application(uow, application_id, lock=False):
    return lookups.visible_row(uow, Application, application_id, NOT_FOUND, lock=lock)


def step(uow, application, name, outcome, comment=None):
    """One step of the application's history (审批记录), audited."""
    actor = uow.actor
    uow.session.add(ApplicationStep(application_id=application.id, step=name, outcome=outcome, comment=comment,
                                    actor_id=actor.user_id, actor_name=actor.username))
    uow.audit(name, "application", application.id, {"outcome": outcome, "comment": comment})


def _check_vehicle_free(uow, vehicle_id):
    busy = uow.session.scalars(select(Application.id).where(
        Application.vehicle_id == vehicle_id, Application.status.in_(rules.LIVE_APPLICATION))).first()
    pledged = uow.session.scalars(select(Loan.id).where(
        Loan.vehicle_id == vehicle_id, Loan.status.in_(rules.LIVE_LOAN))).first()
    if busy or pledged:
        raise Refused("VEHICLE_ALREADY_PLEDGED", "this vehicle already secures another application or loan",
                      "vehicle_id")


def submit_application(uow, data, *, customers, collateral):
    today = clock.today()
    # Other services first, before this worker opens its transaction.
    customer = lookups.customer_brief(customers, data["customer_id"])
    verdict = ask(customers, "may_borrow", customer_id=customer["id"])
    if not verdict["may_borrow"]:
        raise Refused("CUSTOMER_BLACKLISTED", "the customer (or its legal representative) is on the "
                      "blacklist: " + "; ".join(verdict["reasons"]), "customer_id",
                      blacklist_reasons=verdict["reasons"])
    lending = lookups.lending_value(collateral, data["vehicle_id"], today)
    # shared: a product is not repriced while an application is made on its current version (update_product)
    product = lookups.product(uow, data["product_id"], field="product_id", share=True)
    rules.check_product_limits(rules.product_terms(product), data["amount"], data["term_months"])
    rules.check_collateral(data["amount"], customer["id"], lending, product.max_ltv)
    _check_vehicle_free(uow, data["vehicle_id"])
    if data["credit_line_id"]:
        credit.hold(uow, data["credit_line_id"], customer["id"], data["amount"], today)
    _, fees_total = rules.fees_on(rules.product_fees(product), data["amount"])
    estimate = engine.build(data["amount"], product.annual_rate, data["term_months"], product.repayment_method,
                            today, upfront_fee=fees_total)
    application = Application(
        customer_id=customer["id"], customer_name=customer["name"], product_id=product.id,
        product_version=product.version, vehicle_id=data["vehicle_id"], amount=data["amount"],
        term_months=data["term_months"],
        credit_line_id=data["credit_line_id"], status="submitted", officer_id=uow.actor.user_id,
        department_id=uow.actor.department_id, valuation_id=lending["valuation"]["id"],
        appraised_value=Decimal(lending["valuation"]["appraised_value"]), apr=estimate.apr)
    uow.session.add(application)
    uow.session.flush()
    if data["credit_line_id"]:
        uow.session.add(CreditDraw(credit_line_id=data["credit_line_id"], application_id=application.id,
                                   amount=data["amount"], status="held"))
    step(uow, application, "submit", "submitted")
    uow.emit(*events.application_submitted(application))
    return shown(uow, application)


def get_application(uow, application_id):
    application = _application(uow, application_id)
    steps = uow.session.scalars(select(ApplicationStep).where(ApplicationStep.application_id == application.id)
                                .order_by(ApplicationStep.at, ApplicationStep.id)).all()
    return shown(uow, application, steps)


def list_applications(uow, status=None, customer_id=None, page=1, page_size=20):
    query = scoped_rows(uow.actor, Application, "officer_id", {"status": status, "customer_id": customer_id},
                        "status", "customer_id")
    return paginate(uow.session, query.order_by(Application.submitted_at.desc(), Application.id), page, page_size,
                    lambda application: shown(uow, application))


def investigate(uow, application_id, data, *, documents):
    """贷前调查: findings and a recommendation, by someone other than the submitting officer; the application then
    goes to approval, with the documents its product's checklist asks for that stage on file."""
    application = _application(uow, application_id, lock=True)
    must_differ = config.env("CARLOAN_INVESTIGATOR_MUST_DIFFER", "true").lower() != "false"
    rules.check_investigator(rules.application_facts(application), uow.actor.user_id, must_differ)
    checklists.require(uow, application.product_id, "approval", checklists.application_owners(application),
                       documents)
    for key, value in data.items():
        setattr(application, key, value)
    lifecycles.APPLICATION.move(application, "investigated", investigated_by=uow.actor.user_id)
    step(uow, application, "investigate", data["recommendation"], data["findings"])
    return shown(uow, application)


def decide(uow, application_id, data):
    """审批: first level by a risk reviewer; above the threshold, a second by an approver."""
    application = _application(uow, application_id, lock=True)
    level = rules.decision_level(application.status)
    needed = "loan.approve.first" if level == 1 else "loan.approve.second"
    if needed not in uow.actor.permissions:
        raise Forbidden(f"this {'first' if level == 1 else 'second'}-level decision needs the permission "
                        f"{needed}", code="PERMISSION_DENIED", extra={"permissions": [needed]})
    rules.check_decider(rules.application_facts(application), uow.actor.user_id, level)
    threshold = Decimal(config.env("CARLOAN_SECOND_APPROVAL_THRESHOLD",
                                   str(rules.DEFAULT_SECOND_APPROVAL_THRESHOLD)))
    lifecycles.APPLICATION.move(
        application, rules.status_after_decision(level, data["approve"], application.amount, threshold))
    if level == 1:
        application.first_decision_by = uow.actor.user_id
    else:
        application.second_decision_by = uow.actor.user_id
    step(uow, application, f"decision_level_{level}", "approve" if data["approve"] else "reject", data["comment"])
    if application.status == "rejected":
        credit.release(uow, application)
    decided = events.application_decided(application, uow.actor.user_id, level, data["comment"])
    if decided is not None:
        uow.emit(*decided)
    return shown(uow, application)


def override_interest_cap(uow, application_id, data):
    """An approver lets an application above 4 × LPR proceed, with a reason (recorded and audited)."""
    application = _application(uow, application_id, lock=True)
    if application.status not in rules.LIVE_APPLICATION:
        raise Conflict(f"the application is {application.status}", code="APPLICATION_STATE",
                       extra={"status": application.status})
    application.cap_override_by, application.cap_override_reason = uow.actor.user_id, data["reason"]
    step(uow, application, "interest_cap_override", "override", data["reason"])
    return shown(uow, application)


def _next_sequence(uow, day):
    session = uow.session
    sequence = session.get(ContractSequence, day, with_for_update=True)
    if sequence is None:
        # The day's first contract: two signed at once would both insert the row, and the second would
        # fail with 409 CONCURRENT_CHANGE. The loser of the insert waits for the winner and takes the next.
        try:
            with session.begin_nested():
                session.add(ContractSequence(day=day, last=0))
        except IntegrityError:
            pass
        sequence = session.get(ContractSequence, day, with_for_update=True, populate_existing=True)
    sequence.last += 1
    return sequence.last


def sign_contract(uow, application_id, data, *, documents):
    """签约: an approved application becomes a signed loan on the terms of the product version it was made on (a
    later version of the product does not reprice it), its schedule previewed from the signing date and held to
    the interest cap; `loan.signed`."""
    application = _application(uow, application_id, lock=True)
    if application.status != "approved":
        raise Conflict(f"only an approved application is signed; this one is {application.status}",
                       code="APPLICATION_STATE", extra={"reason": "not_approved", "status": application.status})
    signed_on, first_due = data["signed_on"], data["first_due_date"]
    if signed_on > clock.today():
        raise field_error("signed_on", "cannot be in the future", code="DATE_IN_FUTURE")
    if first_due is not None and not signed_on < first_due <= engine.add_months(signed_on, 2):
        raise field_error("first_due_date", "must fall within two months after signing",
                          code="FIRST_DUE_DATE_INVALID", extra={"reason": "signing"})
    checklists.require(uow, application.product_id, "signing", checklists.application_owners(application),
                       documents)
    terms = application.terms  # the version of its product the application was made on
    fees, fees_total = rules.fees_on(rules.product_fees(terms), application.amount)
    preview = engine.build(application.amount, terms.annual_rate, application.term_months,
                           terms.repayment_method, signed_on, first_due, fees_total)
    exempt = config.env("CARLOAN_INTEREST_CAP_EXEMPT", "false").lower() == "true"
    rules.check_interest_cap(preview.apr, lookups.lpr_on(uow, signed_on), exempt,
                             application.cap_override_by is not None)
    loan = Loan(contract_no=rules.contract_no(signed_on, _next_sequence(uow, signed_on)),
                application_id=application.id, customer_id=application.customer_id,
                customer_name=application.customer_name, product_id=application.product_id,
                product_version=application.product_version, vehicle_id=application.vehicle_id,
                credit_line_id=application.credit_line_id,
                officer_id=application.officer_id, department_id=application.department_id,
                principal=application.amount, term_months=application.term_months,
                repayment_method=terms.repayment_method, annual_rate=terms.annual_rate,
                penalty_markup=terms.penalty_markup, grace_days=terms.grace_days,
                prepayment_fee_rate=terms.prepayment_fee_rate,
                prepayment_fee_free_after_months=terms.prepayment_fee_free_after_months,
                allocation=terms.allocation, compound_penalty=terms.compound_penalty,
                fees=jsonutil.dumps([{"name": name, "amount": amount} for name, amount in fees]),
                fees_total=fees_total, net_amount=application.amount - fees_total, apr=preview.apr,
                signed_on=signed_on, requested_first_due_date=first_due, status="signed",
                outstanding_principal=engine.ZERO, dpd=0)
    uow.session.add(loan)
    uow.session.flush()
    lookups.store_schedule(uow, loan, preview)
    lifecycles.APPLICATION.move(application, "contracted", loan_id=loan.id)
    step(uow, application, "sign_contract", loan.contract_no)
    uow.audit("sign_contract", "loan", loan.id, {"contract_no": loan.contract_no})
    uow.emit(*events.signed(loan, application.id, signed_on), business_date=signed_on)
    return loan
