"""驾驶舱 figures the collection service owns, within the caller's data scope: the balance of active loans by
five-level grade, and the open collection tasks by stage (the funnel from calls to legal action). Each part only
for an employee whose work it is (SECTIONS)."""
from sqlalchemy import func, select

from services.collection import domain
from services.collection.models import CollectionTask, LoanFile
from services.common.jsonutil import money
from services.common.scope import scoped

SECTIONS = {
    "grades": ("collection.classification.adjust", "collection.classification.approve"),
    "collection_funnel": ("collection.task.work", "collection.task.assign"),
}


def sections_for(actor):
    return [name for name, needed in SECTIONS.items() if any(actor.has(permission) for permission in needed)]


def summary(session, actor):
    result = {}
    parts = sections_for(actor)
    if "grades" in parts:
        result["grades"] = _grades(session, actor)
    if "collection_funnel" in parts:
        result["collection_funnel"] = _funnel(session, actor)
    return result


def _grades(session, actor):
    query = (scoped(select(LoanFile.grade, func.count(), func.sum(LoanFile.outstanding_principal)), actor,
                    LoanFile.department_id, LoanFile.officer_id)
             .where(LoanFile.status == "active", LoanFile.outstanding_principal > 0).group_by(LoanFile.grade))
    rows = {grade: (count, domain.ZERO + (amount or 0)) for grade, count, amount in session.execute(query).all()}
    total = sum((amount for _, amount in rows.values()), domain.ZERO)
    return {"outstanding_principal": money(total), "loans": sum(count for count, _ in rows.values()),
            "by_grade": [{"grade": grade, "grade_label": label, "loans": rows.get(grade, (0, 0))[0],
                          "outstanding_principal": money(rows.get(grade, (0, 0))[1]),
                          "share": str(domain.share(rows.get(grade, (0, 0))[1], total))}
                         for grade, label in domain.GRADES.items()]}


def _funnel(session, actor):
    query = (scoped(select(CollectionTask.stage, func.count(), func.sum(LoanFile.outstanding_principal))
                    .join(LoanFile, LoanFile.loan_id == CollectionTask.loan_id), actor, CollectionTask.department_id,
                    CollectionTask.assignee_id)
             .where(CollectionTask.status == "open").group_by(CollectionTask.stage))
    rows = {stage: (count, amount or 0) for stage, count, amount in session.execute(query).all()}
    return {"open_tasks": sum(count for count, _ in rows.values()),
            "by_stage": [{"stage": stage, "stage_label": label, "open_tasks": rows.get(stage, (0, 0))[0],
                          "outstanding_principal": money(rows.get(stage, (0, 0))[1])}
                         for stage, label in domain.STAGES.items()]}
