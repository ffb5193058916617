"""A loan's documents for the request's caller: the loan first (404 outside the caller's data scope, as for the loan
itself), then at once its schedule, its product, the borrower (ID number in full only for a holder of
`customer.unmask`, and that view audited by the customer service, as any unmask is) and the car; then the PDF, sent
inline under the contract's number."""
import datetime as dt
import logging
import urllib.parse

from flask import Response, current_app, g

from gateway.contracts import facts, pdf, templates
from gateway.rpc import call
from services.common import config
from services.common.errors import DomainError

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/pdf"
UNMASK = "customer.unmask"
DEFAULT_LENDER = "车贷金融服务有限公司"
# The terms a loan copied at signing from its product's version: printed from the loan, since the product may have
# been repriced since (a later version prices only new applications).
LOAN_TERMS = ("prepayment_fee_rate", "prepayment_fee_free_after_months", "allocation", "compound_penalty")


class TemplateBroken(DomainError):
    """A template under CARLOAN_CONTRACT_TEMPLATES that cannot be used: the operator's to fix, logged."""
    status = 500
    code = "CONTRACT_TEMPLATE_INVALID"
    title = "Contract template invalid"


def lender():
    """The lender's name on every contract: `CARLOAN_LENDER_NAME`."""
    return config.env("CARLOAN_LENDER_NAME", "") or DEFAULT_LENDER


def papers(loan_id):
    """`pdf.Papers` of the loan `loan_id`, as the caller may see it."""
    loan = call("loan", "get_loan", loan_id)
    actor = g.actor
    answers = current_app.extensions["carloan"].rpc.call_all({
        "schedule": ("loan", "get_schedule", (loan_id,), {}),
        "product": ("loan", "get_product", (loan["product_id"],), {}),
        "customer": ("customer", "get_customer", (loan["customer_id"],), {"unmask": UNMASK in actor.permissions}),
        "vehicle": ("collateral", "get_vehicle", (loan["vehicle_id"],), {}),
    }, actor=actor.to_dict(), correlation_id=g.correlation_id)
    for answer in answers.values():
        if isinstance(answer, Exception):
            raise answer
    schedule, product, customer, vehicle = (answers[key] for key in ("schedule", "product", "customer", "vehicle"))
    try:
        template = templates.template_for(product.get("code"))
    except templates.TemplateError as exc:
        log.error("contract template of product %s: %s", product.get("code"), exc)
        raise TemplateBroken(str(exc), extra={"product_code": product.get("code")}) from None
    signed = {**product, **{key: loan[key] for key in LOAN_TERMS if key in loan}}
    return pdf.Papers(facts=facts.contract_facts(loan, schedule, signed, customer, vehicle, lender()),
                      borrower=facts.borrower(customer, loan), vehicle=vehicle, schedule=schedule,
                      template=template,
                      dated=dt.date.fromisoformat(loan["signed_on"]))


def response(body, papers_, suffix):
    """The PDF, shown inline by a browser, named `<contract no>-<suffix>.pdf`."""
    name = f"{papers_.facts['contract_no']}-{suffix}.pdf"
    return Response(body, mimetype=MEDIA_TYPE, headers={
        "Content-Disposition": f"inline; filename=\"{name.encode('ascii', 'ignore').decode() or 'loan.pdf'}\"; "
                               f"filename*=UTF-8''{urllib.parse.quote(name)}"})


def contract(loan_id):
    found = papers(loan_id)
    return response(pdf.contract(found), found, "contract")


def schedule(loan_id):
    found = papers(loan_id)
    return response(pdf.statement(found), found, "schedule")
