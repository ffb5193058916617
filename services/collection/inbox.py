"""我的待办 in the collection service: the open collection tasks assigned to the caller, and the classification
adjustments waiting for a post-loan manager who did not ask for them, within the caller's data scope."""
from sqlalchemy import case, select

from services.collection import domain
from services.collection.models import CollectionTask, GradeAdjustment, LoanFile
from services.common.inbox import Inbox, item, title, yuan
from services.common.scope import scoped

LABELS = {"collection_task": "催收任务", "classification_adjustment": "五级分类调整待审批"}


def inbox(session, actor, limit):
    box = Inbox(session, limit)
    if actor.has("collection.task.work"):
        query = (select(CollectionTask, LoanFile).join(LoanFile, LoanFile.loan_id == CollectionTask.loan_id)
                 .where(CollectionTask.status == "open", CollectionTask.assignee_id == actor.user_id)
                 .order_by(case((CollectionTask.priority == "high", 0), else_=1),
                           case((CollectionTask.due_on.is_(None), 1), else_=0), CollectionTask.due_on,
                           CollectionTask.created_at, CollectionTask.id))  # as the collector's own list
        box.add("collection_task", query, _task)
    if actor.has("collection.classification.approve"):
        query = (scoped(select(GradeAdjustment, LoanFile).join(LoanFile, LoanFile.loan_id == GradeAdjustment.loan_id),
                        actor, GradeAdjustment.department_id, GradeAdjustment.requested_by)
                 .where(GradeAdjustment.status == "pending", GradeAdjustment.requested_by != actor.user_id)
                 .order_by(GradeAdjustment.created_at, GradeAdjustment.id))
        box.add("classification_adjustment", query, _adjustment)
    return box.result()


def _task(task, loan):
    kind = "collection_task"
    promise = f"承诺 {task.promised_on} 还款 {yuan(task.promised_amount)}" if task.promise_status == "pending" else None
    return item(kind, LABELS[kind], task.id, title(LABELS[kind], loan.contract_no, f"逾期 {task.dpd} 天"),
                title(loan.customer_name, domain.STAGES[task.stage], f"待还本金 {yuan(loan.outstanding_principal)}",
                      "高优先级" if task.priority == "high" else None, promise),
                task.created_at, f"/api/v1/collection/tasks/{task.id}", f"/api/v1/collection/tasks/{task.id}/records")


def _adjustment(adjustment, loan):
    kind = "classification_adjustment"
    return item(kind, LABELS[kind], adjustment.id,
                title(LABELS[kind], loan.contract_no,
                      f"{domain.GRADES[loan.grade]} → {domain.GRADES[adjustment.grade]}"),
                adjustment.reason, adjustment.created_at, f"/api/v1/classifications?loan_id={loan.loan_id}",
                f"/api/v1/classification-adjustments/{adjustment.id}/decision")
