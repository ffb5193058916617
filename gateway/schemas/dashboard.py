"""Schemas of gateway/routes/dashboard.py: the cockpit's figures (经营驾驶舱)."""
from marshmallow import Schema, fields

from gateway.i18n import Label
from gateway.schemas.common import DATE


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
