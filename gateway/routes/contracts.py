"""业务中心 Loans, 套打: a loan's 借款合同 and 还款计划表 as PDF (gateway/contracts). Nested in the `loans` blueprint
(gateway/routes/loans.py) with origination and servicing."""
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway.auth import requires
from gateway.contracts import documents

blp = Blueprint("contracts", __name__)


def pdf_answer(what):
    return {"200": {"description": f"{what} (application/pdf, shown inline, named after the contract number)",
                    "content": {documents.MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}}


@blp.route("/loans/<loan_id>/contract.pdf")
class LoanContractPdf(MethodView):
    @blp.doc(responses=pdf_answer("借款合同"))
    @requires("loan.view")
    def get(self, loan_id):
        """借款合同 (with the mortgage clause, 抵押条款) as PDF, from the product's template (its code's, else the
        default): the parties (the borrower's ID number masked unless the caller holds `customer.unmask`), the car,
        the amount in figures and in capitals, rate, APR, term, method, fees, penalty and prepayment terms, the
        whole schedule and the signature blocks. The same loan gives the same bytes. 404 as for the loan."""
        return documents.contract(loan_id)


@blp.route("/loans/<loan_id>/schedule.pdf")
class LoanSchedulePdf(MethodView):
    @blp.doc(responses=pdf_answer("还款计划表"))
    @requires("loan.view")
    def get(self, loan_id):
        """还款计划表 as PDF: every installment with what is due, paid and its status. 404 as for the loan."""
        return documents.schedule(loan_id)
