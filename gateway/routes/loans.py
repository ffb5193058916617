"""业务中心 Loans: one blueprint, one tag of the OpenAPI document, for the loan service's routes, nesting
origination (gateway/routes/origination.py: products, LPR, calculator, credit lines, applications, contracts,
disbursement), servicing (gateway/routes/servicing.py: the loan book, repayments, reversals, prepayment,
extensions, transfers, close of business) and contracts (gateway/routes/contracts.py: the contract and schedule as
PDF). A view's endpoint is `loans.<origination|servicing|contracts>.<view class>`
(gateway.openapi.OPERATION_IDS)."""
from flask_smorest import Blueprint

from gateway.routes import contracts, origination, servicing

blp = Blueprint("loans", __name__, url_prefix="/api/v1",
                description="业务中心 Loans: products, calculator, credit lines, applications, contracts, disbursement")
blp.register_blueprint(origination.blp)
blp.register_blueprint(servicing.blp)
blp.register_blueprint(contracts.blp)
