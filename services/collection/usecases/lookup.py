"""Reads several areas share: a row the caller's data scope covers, a loan's file (locked, for an event that
changes it), and a page of tasks or warnings with their loans' files read in one query."""
from sqlalchemy import select

from services.collection.models import CollectionTask, GradeAdjustment, LoanFile, RiskWarning
from services.common.pagination import paginate
from services.common.scope import visible

# who owns a row, for the data scope `own`: a task's collector, a warning's owner, a loan's officer, an
# adjustment's requester
OWNERS = {CollectionTask: "assignee_id", RiskWarning: "owner_id", LoanFile: "officer_id",
          GradeAdjustment: "requested_by"}


def visible_row(uow, model, object_id, code, lock=False):
    """A row the actor's data scope covers: by department, or as its owner; else 404 `code`."""
    return visible(uow.session, uow.actor, model, object_id, code, owner=OWNERS[model], lock=lock)


def locked_file(uow, loan_id):
    """The loan's file, locked for an event that changes it."""
    loan = uow.session.get(LoanFile, loan_id, with_for_update=True)
    if loan is None:  # its disbursement has not reached us yet: retried, then parked
        raise LookupError(f"loan {loan_id} has no file yet")
    return loan


def loan_of(uow, loan_id, files=None):
    """The file of `loan_id`, from `files` (already read) if it is there."""
    return (files or {}).get(loan_id) or uow.session.get(LoanFile, loan_id)


def page_with_files(uow, query, page, page_size):
    """A page of tasks or warnings whose items are (row, its loan's file), the files read in one query."""
    result = paginate(uow.session, query, page, page_size)
    ids = {row.loan_id for row in result["items"]}
    files = {f.loan_id: f for f in uow.session.scalars(select(LoanFile).where(LoanFile.loan_id.in_(ids)))}
    result["items"] = [(row, loan_of(uow, row.loan_id, files)) for row in result["items"]]
    return result
