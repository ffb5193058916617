"""资料清单 at work: what a stage of an application or loan requires by its product's checklist
(services/loan/domain/checklists.py), what the document service has on file for it, and the refusal
`DOCUMENTS_MISSING` (409, with `missing: [{owner_type, owner_id, category}]`) when something is not there yet."""
import json

from services.common.ask import ask
from services.common.refusal import Refused
from services.loan.domain import checklists as rules
from services.loan.models import Application, Loan
from services.loan.usecases import lookups


def product_checklist(product):
    return rules.parse(json.loads(product.checklist or "{}"))


def application_owners(application):
    return {"application": application.id, "customer": application.customer_id, "vehicle": application.vehicle_id}


def loan_owners(loan):
    return {"loan": loan.id, "application": loan.application_id, "customer": loan.customer_id,
            "vehicle": loan.vehicle_id}


def _on_file(documents, needed):
    if not needed:
        return {}
    owners = sorted({(owner_type, owner_id) for owner_type, owner_id, _ in needed})
    found = ask(documents, "categories_on_file", [{"owner_type": t, "owner_id": i} for t, i in owners])
    return {(row["owner_type"], row["owner_id"]): set(row["categories"]) for row in found}


def _stages(uow, product_id, stages, owners, documents):
    parsed = product_checklist(lookups.product(uow, product_id))
    needed = {stage: rules.required(parsed, stage, owners) for stage in stages}
    on_file = _on_file(documents, [item for items in needed.values() for item in items])
    return needed, on_file


def require(uow, product_id, stage, owners, documents):
    """Refuse the stage (409 `DOCUMENTS_MISSING`) unless every document its product's checklist names is on file."""
    needed, on_file = _stages(uow, product_id, (stage,), owners, documents)
    absent = rules.missing(needed[stage], on_file)
    if absent:
        labels = "、".join(item["category_label"] for item in rules.missing_view(absent))
        raise Refused("DOCUMENTS_MISSING", f"{rules.STAGES[stage][0]} needs documents not yet on file: {labels}",
                      kind="conflict", stage=stage, stage_label=rules.STAGES[stage][0],
                      missing=rules.missing_view(absent), missing_labels=labels)


def _view(needed, on_file):
    stages = [rules.stage_view(stage, items, on_file) for stage, items in needed.items()]
    absent = [item for items in needed.values() for item in rules.missing(items, on_file)]
    return {"stages": stages, "missing": rules.missing_view(list(dict.fromkeys(absent)))}


def application_checklist(uow, application_id, documents):
    """The application's checklist: submitting to approval and signing, each item on file or not."""
    application = lookups.visible_row(uow, Application, application_id, "APPLICATION_NOT_FOUND")
    return _view(*_stages(uow, application.product_id, rules.APPLICATION_STAGES, application_owners(application),
                          documents))


def loan_checklist(uow, loan_id, documents):
    """The loan's checklist: the disbursement review."""
    loan = lookups.visible_loan(uow, loan_id)
    return _view(*_stages(uow, loan.product_id, rules.LOAN_STAGES, loan_owners(loan), documents))


def task_checklist(uow, loan_id, task_kind, owners, documents, complete=False):
    """For the collateral service: the checklist of one of its tasks of the loan (a GPS installation, a mortgage
    registration), `owners` naming the task and the vehicle; no stage (nothing required) for other kinds. With
    `complete`, the task is about to be completed: refused (`DOCUMENTS_MISSING`) unless its documents are on file."""
    loan = uow.session.get(Loan, loan_id)
    stage = rules.TASK_STAGES.get(task_kind)
    if loan is None or stage is None:
        return {"stages": [], "missing": []}
    owners = {**owners, "loan": loan.id}
    if complete:
        require(uow, loan.product_id, stage, owners, documents)
    return _view(*_stages(uow, loan.product_id, (stage,), owners, documents))
