"""What the collection service's RPCs answer: its model objects as JSON-ready dicts, money as strings, dates as
ISO text, each status and kind with its Chinese label. A view only formats: the use cases hand it the rows (a task
or warning with its loan's file, a loan with its floor and grade history)."""
from services.collection import domain
from services.common.jsonutil import iso, money

TASK_STATUS_LABELS = {"open": "处理中", "closed": "已关闭"}


def page(result, view):
    """A page of use-case items (tuples), each through `view`."""
    return {**result, "items": [view(*item) for item in result["items"]]}


def task(t, loan):
    promise = t.promised_on and {"amount": money(t.promised_amount), "promised_on": iso(t.promised_on),
                                 "paid": money(t.promise_paid), "status": t.promise_status}
    return {"id": t.id, "loan_id": t.loan_id, "contract_no": loan.contract_no,
            "customer_id": loan.customer_id, "customer_name": loan.customer_name,
            "department_id": t.department_id, "assignee_id": t.assignee_id, "status": t.status,
            "status_label": TASK_STATUS_LABELS[t.status], "stage": t.stage,
            "stage_label": domain.STAGES[t.stage], "priority": t.priority, "dpd": t.dpd,
            "outstanding_principal": money(loan.outstanding_principal), "opened_on": iso(t.opened_on),
            "closed_on": iso(t.closed_on), "close_reason": t.close_reason, "due_on": iso(t.due_on),
            "promise": promise or None, "created_at": t.created_at.isoformat()}


def task_detail(t, loan, records):
    """A task with its records (催收记录)."""
    return {**task(t, loan), "records": [record(r) for r in records]}


def record(r):
    return {"id": r.id, "task_id": r.task_id, "channel": r.channel, "channel_label": domain.CHANNELS[r.channel],
            "result": r.result, "promised_amount": r.promised_amount is not None and money(r.promised_amount)
            or None, "promised_on": iso(r.promised_on), "recorded_by": r.recorded_by,
            "recorded_at": r.recorded_at.isoformat()}


def warning(w, loan):
    label, _ = domain.WARNINGS[w.kind]
    return {"id": w.id, "loan_id": w.loan_id, "contract_no": loan.contract_no, "customer_id": loan.customer_id,
            "kind": w.kind, "kind_label": label, "level": w.level, "level_label": domain.LEVELS[w.level],
            "owner_id": w.owner_id, "status": w.status, "detail": w.detail, "raised_on": iso(w.raised_on),
            "resolution": w.resolution, "resolved_by": w.resolved_by, "resolved_at": iso(w.resolved_at)}


def grade_change(c):
    return {"grade": c.grade, "previous": c.previous, "source": c.source, "reason": c.reason,
            "business_date": iso(c.business_date), "changed_at": c.changed_at.isoformat(),
            "changed_by": c.changed_by}


def grade(loan, floor, history):
    """A loan's five-level grade, the floor it may not be better than, and its history."""
    return {"loan_id": loan.loan_id, "contract_no": loan.contract_no, "customer_id": loan.customer_id,
            "customer_name": loan.customer_name, "department_id": loan.department_id, "status": loan.status,
            "grade": loan.grade, "grade_label": domain.GRADES[loan.grade], "floor": floor,
            "manual_grade": loan.manual_grade, "dpd": loan.dpd, "restructured": loan.restructured_on is not None,
            "outstanding_principal": money(loan.outstanding_principal), "updated_on": iso(loan.graded_on),
            "history": [grade_change(c) for c in history]}


def adjustment(a):
    return {"id": a.id, "loan_id": a.loan_id, "grade": a.grade, "grade_label": domain.GRADES[a.grade],
            "reason": a.reason, "status": a.status, "requested_by": a.requested_by, "decided_by": a.decided_by,
            "decided_at": iso(a.decided_at), "comment": a.comment, "floor": a.floor,
            "created_at": a.created_at.isoformat()}
