"""What the loan service's callers may rely on, framework-free: the codes of its repayment methods and statuses, with
their Chinese labels. The gateway's schemas enumerate these (gateway/schemas/origination.py, servicing.py) and the
domain labels with them; a code is added here once."""

METHODS = {
    "equal_installment": "等额本息",
    "equal_principal": "等额本金",
    "interest_first": "先息后本",
    "bullet": "一次性还本付息",
    "flat": "等本等息",
}
APPLICATION_STATUSES = {
    "submitted": "已提交", "investigated": "已调查", "pending_second_approval": "待二级审批",
    "approved": "已批准", "rejected": "已拒绝", "contracted": "已签约",
}
LOAN_STATUSES = {"signed": "已签约", "active": "还款中", "settled": "已结清"}
REPAYMENT_STATUSES = {"recorded": "已入账", "reversed": "已冲正"}
# 资料清单: the stages a product's checklist may hold documents back at
CHECKLIST_STAGES = {"approval": "提交审批", "signing": "签约", "disbursement_review": "放款复核",
                    "gps_installation": "GPS安装", "mortgage_registration": "抵押登记"}
