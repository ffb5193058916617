"""The service's gauges (services/collection/metrics.py), refreshed on a timer: open tasks by stage, open warnings
by kind, active loans and their outstanding principal by five-level grade."""
from decimal import Decimal

from sqlalchemy import func, select

from services.collection import domain
from services.collection.metrics import GRADED_BALANCE, GRADED_LOANS, OPEN_TASKS, OPEN_WARNINGS
from services.collection.models import CollectionTask, LoanFile, RiskWarning

ZERO = Decimal(0)


def refresh_gauges(uow, data=None):
    """Count what is open and graded, and set the gauges; returns the figures {stages, kinds, grades}."""
    session = uow.session
    stages = dict(session.execute(select(CollectionTask.stage, func.count()).where(
        CollectionTask.status == "open").group_by(CollectionTask.stage)).all())
    for stage in domain.STAGES:
        OPEN_TASKS.labels(stage).set(stages.get(stage, 0))
    kinds = dict(session.execute(select(RiskWarning.kind, func.count()).where(
        RiskWarning.status == "open").group_by(RiskWarning.kind)).all())
    for kind in domain.WARNINGS:
        OPEN_WARNINGS.labels(kind).set(kinds.get(kind, 0))
    grades = {grade: (count, balance) for grade, count, balance in session.execute(
        select(LoanFile.grade, func.count(), func.sum(LoanFile.outstanding_principal))
        .where(LoanFile.status == "active").group_by(LoanFile.grade)).all()}
    for grade in domain.GRADES:
        count, balance = grades.get(grade, (0, None))
        GRADED_LOANS.labels(grade).set(count)
        GRADED_BALANCE.labels(grade).set(balance or ZERO)
    return {"stages": stages, "kinds": kinds, "grades": grades}
