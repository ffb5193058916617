"""资料清单: the documents a product requires before each stage of a loan's life may pass. A product's checklist is
{stage: [(owner_type, category)]}; the stage names whose records the categories are asked of (the application's
customer, its vehicle, the loan, the GPS installation task…). Nothing is required where a product lists nothing; the
standard list below is what the console offers and the demo book uses. Framework-free."""
from services.document.contract import CATEGORIES, OWNER_TYPES
from services.loan.contract import CHECKLIST_STAGES

# the kinds of record whose documents each stage may require
ASKS_OF = {
    "approval": ("application", "customer", "vehicle"),
    "signing": ("application", "customer", "vehicle"),
    "disbursement_review": ("loan", "application", "customer", "vehicle"),
    "gps_installation": ("gps_task", "loan", "vehicle"),
    "mortgage_registration": ("mortgage_task", "loan", "vehicle"),
}
# stage -> (label, the kinds of record it asks of)
STAGES = {stage: (label, ASKS_OF[stage]) for stage, label in CHECKLIST_STAGES.items()}
APPLICATION_STAGES = ("approval", "signing")
LOAN_STAGES = ("disbursement_review",)
TASK_STAGES = {"gps_install": "gps_installation", "mortgage_registration": "mortgage_registration"}

STANDARD = {
    "approval": (("customer", "id_card_front"), ("customer", "id_card_back"),
                 ("vehicle", "vehicle_registration_certificate")),
    "signing": (("customer", "driving_licence"),),
    "disbursement_review": (("loan", "signed_contract"),),
    "gps_installation": (("gps_task", "gps_installation_photo"),),
    "mortgage_registration": (("mortgage_task", "mortgage_certificate"),),
}


def parse(checklist):
    """{stage: ((owner_type, category), ...)} of a checklist as stored or given ({stage: [{owner_type,
    category}]}), in the order of `STAGES`."""
    checklist = checklist or {}
    return {stage: tuple((item["owner_type"], item["category"]) for item in checklist[stage])
            for stage in STAGES if checklist.get(stage)}


def dump(parsed):
    """The stored and shown form of a parsed checklist: {stage: [{owner_type, category}]}."""
    return {stage: [{"owner_type": owner_type, "category": category} for owner_type, category in items]
            for stage, items in parsed.items()}


def shown(parsed):
    """A checklist as the API shows it: the stored form, each item with its category's label."""
    return {stage: [{"owner_type": owner_type, "category": category, "category_label": CATEGORIES[category][0]}
                    for owner_type, category in items] for stage, items in parsed.items()}


def problems(checklist):
    """{field: message} of what is wrong with a checklist as given: an unknown stage, a record the stage cannot
    ask of, a category not kept on that kind of record, an item listed twice."""
    found = {}
    for stage, items in (checklist or {}).items():
        if stage not in STAGES:
            found[f"checklist.{stage}"] = f"unknown stage; one of {', '.join(STAGES)}"
            continue
        seen = set()
        for index, item in enumerate(items):
            owner_type, category = item.get("owner_type"), item.get("category")
            where = f"checklist.{stage}.{index}"
            if owner_type not in STAGES[stage][1]:
                found[where] = f"{STAGES[stage][0]} asks for documents of {', '.join(STAGES[stage][1])}"
            elif category not in CATEGORIES or owner_type not in CATEGORIES[category][1]:
                found[where] = f"{category!r} is not a category of {owner_type} documents"
            elif (owner_type, category) in seen:
                found[where] = "listed twice"
            seen.add((owner_type, category))
    return found


def required(parsed, stage, owners):
    """[(owner_type, owner_id, category)] the stage requires, for the records `owners` ({owner_type: id}) of the
    loan at hand."""
    return [(owner_type, owners[owner_type], category) for owner_type, category in parsed.get(stage, ())
            if owners.get(owner_type)]


def missing(needed, on_file):
    """The items of `needed` not among `on_file` ({(owner_type, owner_id): categories})."""
    return [(owner_type, owner_id, category) for owner_type, owner_id, category in needed
            if category not in on_file.get((owner_type, owner_id), ())]


def stage_view(stage, needed, on_file):
    """One stage of a record's checklist as shown: its items, each on file or not, and whether it is complete."""
    absent = set(missing(needed, on_file))
    items = [{"owner_type": owner_type, "owner_id": owner_id, "owner_type_label": OWNER_TYPES[owner_type],
              "category": category, "category_label": CATEGORIES[category][0],
              "on_file": (owner_type, owner_id, category) not in absent}
             for owner_type, owner_id, category in needed]
    return {"stage": stage, "stage_label": STAGES[stage][0], "complete": not absent, "items": items}


def missing_view(items):
    return [{"owner_type": owner_type, "owner_id": owner_id, "category": category,
             "category_label": CATEGORIES[category][0]} for owner_type, owner_id, category in items]
