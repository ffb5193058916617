"""我的待办 in the loan service: applications to investigate or decide, disbursements to review, credit lines,
extensions, transfers and repayment reversals to decide, each only for someone the maker-checker rules let act on
it (never who made it) and within the caller's data scope."""
from sqlalchemy import select

from services.common import config
from services.common.inbox import Inbox, item, title, yuan
from services.common.scope import scoped
from services.loan.models import (
    Application,
    CreditLine,
    Disbursement,
    Loan,
    LoanExtension,
    LoanTransfer,
    Product,
    Repayment,
    RepaymentReversal,
)

LABELS = {"application_investigation": "待贷前调查", "application_decision": "待一级审批",
          "application_second_approval": "待二级审批", "disbursement_review": "待放款复核",
          "credit_line_decision": "待授信审批", "extension_decision": "待展期审批",
          "transfer_decision": "待债务转让审批", "reversal_decision": "待还款冲正复核"}


def inbox(session, actor, limit):
    box = Inbox(session, limit)
    me = actor.user_id
    applications = scoped(select(Application, Product).join(Product, Product.id == Application.product_id), actor,
                          Application.department_id, Application.officer_id)
    if actor.has("loan.investigate"):
        query = applications.where(Application.status == "submitted")
        if config.env("CARLOAN_INVESTIGATOR_MUST_DIFFER", "true").lower() != "false":
            query = query.where(Application.officer_id != me)
        box.add("application_investigation", query.order_by(Application.submitted_at, Application.id),
                _application("application_investigation", "investigation", waiting_since="submitted_at"))
    if actor.has("loan.approve.first"):
        query = applications.where(Application.status == "investigated", Application.officer_id != me,
                                   Application.investigated_by != me)
        box.add("application_decision", query.order_by(Application.updated_at, Application.id),
                _application("application_decision", "decision"))
    if actor.has("loan.approve.second"):
        query = applications.where(Application.status == "pending_second_approval", Application.officer_id != me,
                                   Application.investigated_by != me, Application.first_decision_by != me)
        box.add("application_second_approval", query.order_by(Application.updated_at, Application.id),
                _application("application_second_approval", "decision"))
    if actor.has("loan.disbursement.review"):
        query = (scoped(select(Disbursement, Loan).join(Loan, Loan.id == Disbursement.loan_id), actor,
                        Loan.department_id, Loan.officer_id)
                 .where(Disbursement.status == "pending_review", Disbursement.registered_by != me)
                 .order_by(Disbursement.registered_at, Disbursement.id))
        box.add("disbursement_review", query, _disbursement)
    if actor.has("loan.credit_line.approve"):
        query = (scoped(select(CreditLine), actor, CreditLine.department_id, CreditLine.officer_id)
                 .where(CreditLine.status == "pending", CreditLine.officer_id != me)
                 .order_by(CreditLine.created_at, CreditLine.id))
        box.add("credit_line_decision", query, _credit_line)
    if actor.has("loan.servicing.approve"):
        for kind, model, dump in (("extension_decision", LoanExtension, _extension),
                                  ("transfer_decision", LoanTransfer, _transfer)):
            query = (scoped(select(model, Loan).join(Loan, Loan.id == model.loan_id), actor, model.department_id,
                            model.officer_id)
                     .where(model.status == "pending", model.requested_by != me)
                     .order_by(model.created_at, model.id))
            box.add(kind, query, dump)
    if actor.has("loan.repayment.reverse.approve"):
        query = (scoped(select(RepaymentReversal, Repayment, Loan)
                        .join(Repayment, Repayment.id == RepaymentReversal.repayment_id)
                        .join(Loan, Loan.id == RepaymentReversal.loan_id), actor, RepaymentReversal.department_id,
                        RepaymentReversal.officer_id)
                 .where(RepaymentReversal.status == "pending", RepaymentReversal.requested_by != me,
                        Repayment.recorded_by != me)
                 .order_by(RepaymentReversal.created_at, RepaymentReversal.id))
        box.add("reversal_decision", query, _reversal)
    return box.result()


def _application(kind, action, waiting_since="updated_at"):
    def dump(application, product):
        return item(kind, LABELS[kind], application.id,
                    title(LABELS[kind], application.customer_name, yuan(application.amount)),
                    title(product.name, f"{application.term_months}期"), getattr(application, waiting_since),
                    f"/api/v1/loan-applications/{application.id}",
                    f"/api/v1/loan-applications/{application.id}/{action}")
    return dump


def _disbursement(disbursement, loan):
    kind = "disbursement_review"
    return item(kind, LABELS[kind], disbursement.id, title(LABELS[kind], loan.contract_no, yuan(disbursement.amount)),
                title(f"借款人 {loan.customer_name}", f"收款人 {disbursement.payee_name}"), disbursement.registered_at,
                f"/api/v1/loans/{loan.id}", f"/api/v1/loans/{loan.id}/disbursement/review")


def _credit_line(line):
    kind = "credit_line_decision"
    return item(kind, LABELS[kind], line.id, title(LABELS[kind], yuan(line.limit)),
                title("循环额度" if line.revolving else "非循环额度", f"有效期至 {line.expires_on}"), line.created_at,
                f"/api/v1/credit-lines/{line.id}", f"/api/v1/credit-lines/{line.id}/decision")


def _extension(extension, loan):
    kind = "extension_decision"
    return item(kind, LABELS[kind], extension.id,
                title(LABELS[kind], loan.contract_no, f"展期 {extension.months} 个月"),
                title(loan.customer_name, extension.reason), extension.created_at, f"/api/v1/loans/{loan.id}",
                f"/api/v1/extensions/{extension.id}/decision")


def _transfer(transfer, loan):
    kind = "transfer_decision"
    return item(kind, LABELS[kind], transfer.id,
                title(LABELS[kind], loan.contract_no, f"转至 {transfer.to_customer_name}"),
                title(f"原借款人 {loan.customer_name}", transfer.reason), transfer.created_at,
                f"/api/v1/loans/{loan.id}", f"/api/v1/transfers/{transfer.id}/decision")


def _reversal(reversal, repayment, loan):
    kind = "reversal_decision"
    return item(kind, LABELS[kind], reversal.id, title(LABELS[kind], loan.contract_no, yuan(repayment.amount)),
                title(f"还款日 {repayment.paid_on}", reversal.reason), reversal.created_at,
                f"/api/v1/loans/{loan.id}", f"/api/v1/repayment-reversals/{reversal.id}/decision")
