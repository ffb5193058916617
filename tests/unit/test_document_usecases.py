"""The document service's use cases on the real unit of work over an in-memory SQLite database (tests/fakes.py), the
owning services as fakes of their proxies: what they store and audit, that who may see a record decides who sees its
documents (asked of the record's own service), versions, duplicates, soft deletion, and that a refusal writes
nothing."""
import hashlib

import pytest
from sqlalchemy import func, select

from services.common.errors import NotFound, ValidationFailed
from services.common.refusal import Refused
from services.document import views
from services.document.models import Base, Document
from services.document.usecases import documents
from tests.fakes import FakeService, FakeUnitOfWork, actor

OFFICER = actor("e-officer", username="zhang.san", permissions=("document.upload",), department_id="d-hz",
                data_scope="department")
VISIBLE = {"c-1", "app-1", "loan-1", "veh-1", "task-gps", "task-mortgage"}


def _lookup(*args, **kwargs):
    if args[0] not in VISIBLE:
        raise NotFound("no such record", code="RECORD_NOT_FOUND")
    return {"id": args[0]}


@pytest.fixture
def owners():
    return {name: FakeService(name, get_customer=_lookup, get_application=_lookup, get_loan=_lookup,
                              get_vehicle=_lookup, get_task=_lookup) for name in ("customer", "loan", "collateral")}


@pytest.fixture
def uow():
    unit = FakeUnitOfWork("document", Base.metadata, acting=OFFICER)
    yield unit
    unit.close()


def upload(content=b"%PDF-1.7 contract", **fields):
    return {"owner_type": "customer", "owner_id": "c-1", "category": "id_card_front", "file_name": "身份证正面.jpg",
            "media_type": "image/jpeg", "size": len(content), "sha256": hashlib.sha256(content).hexdigest(),
            "storage_key": f"documents/2026/12/{hashlib.md5(content).hexdigest()}", "replaces": None, **fields}


def rows(uow):
    return uow.session.scalar(select(func.count()).select_from(Document))


def test_an_upload_is_registered_with_its_uploader_and_audited(uow, owners):
    document = documents.register_document(uow, upload(), owners=owners)
    uow.commit()
    shown = views.document(document)
    assert shown["version"] == 1 and shown["current"] and shown["series_id"] == document.id
    assert shown["category_label"] == "身份证正面" and shown["owner_type_label"] == "客户"
    assert (shown["uploaded_by"], shown["uploaded_by_name"]) == ("e-officer", "zhang.san")
    assert "storage_key" not in shown and views.content(document)["storage_key"] == document.storage_key
    [(action, target, target_id, changes)] = uow.audits()
    assert (action, target, target_id) == ("upload_document", "document", document.id)
    assert changes["sha256"] == document.sha256 and changes["version"] == 1 and changes["replaces"] is None
    assert owners["customer"].asked == [("get_customer", ("c-1",), {})]


@pytest.mark.parametrize("owner_type, owner_id, category, service, method, kwargs", [
    ("application", "app-1", "investigation_photo", "loan", "get_application", {}),
    ("loan", "loan-1", "signed_contract", "loan", "get_loan", {}),
    ("vehicle", "veh-1", "vehicle_registration_certificate", "collateral", "get_vehicle", {}),
    ("gps_task", "task-gps", "gps_installation_photo", "collateral", "get_task",
     {"kinds": ["gps_install", "gps_removal"]}),
    ("mortgage_task", "task-mortgage", "mortgage_certificate", "collateral", "get_task",
     {"kinds": ["mortgage_registration", "mortgage_release"]}),
])
def test_the_records_own_service_is_asked_who_may_see_it(uow, owners, owner_type, owner_id, category, service, method,
                                                          kwargs):
    documents.register_document(uow, upload(owner_type=owner_type, owner_id=owner_id, category=category),
                                owners=owners)
    assert owners[service].asked == [(method, (owner_id,), kwargs)]


def test_a_record_one_may_not_see_takes_no_document_and_shows_none(uow, owners):
    with pytest.raises(NotFound) as refused:
        documents.register_document(uow, upload(owner_id="c-other"), owners=owners)
    assert refused.value.code == "RECORD_NOT_FOUND"  # the owning service's own 404, as for the record itself
    uow.rollback()
    assert rows(uow) == 0 and uow.audits() == []
    with pytest.raises(NotFound):
        documents.list_documents(uow, {"owner_type": "customer", "owner_id": "c-other", "page": 1, "page_size": 20},
                                 owners=owners)


def test_a_document_of_a_record_one_may_not_see_is_not_found(uow, owners):
    document = documents.register_document(uow, upload(), owners=owners)
    uow.commit()
    VISIBLE.discard("c-1")
    try:
        for read in (documents.read_document, documents.open_document, documents.delete_document):
            with pytest.raises(NotFound) as refused:
                read(uow, document.id, owners=owners)
            assert refused.value.code == "DOCUMENT_NOT_FOUND"
    finally:
        VISIBLE.add("c-1")
    uow.rollback()
    assert uow.session.get(Document, document.id).deleted_at is None


def test_a_category_the_record_does_not_keep_is_refused_before_anyone_is_asked(uow, owners):
    with pytest.raises(Refused) as refused:
        documents.register_document(uow, upload(category="gps_installation_photo"), owners=owners)
    assert refused.value.code == "DOCUMENT_CATEGORY_INVALID"
    assert owners["customer"].asked == []


def test_the_same_content_twice_on_one_record_is_refused_with_the_one_there(uow, owners):
    first = documents.register_document(uow, upload(), owners=owners)
    uow.commit()
    with pytest.raises(Refused) as refused:
        documents.register_document(uow, upload(storage_key="documents/2026/12/" + "f" * 32, category="id_card_back"),
                                    owners=owners)
    assert (refused.value.code, refused.value.extra) == ("DOCUMENT_DUPLICATE", {"existing_id": first.id})
    uow.rollback()
    assert rows(uow) == 1
    other = documents.register_document(uow, upload(owner_id="loan-1", owner_type="loan", category="other",
                                                    storage_key="documents/2026/12/" + "e" * 32), owners=owners)
    assert other.sha256 == first.sha256  # the same file on another record is another document


def test_a_replacement_is_the_next_version_and_the_first_stays_as_history(uow, owners):
    first = documents.register_document(uow, upload(b"\xff\xd8\xff one"), owners=owners)
    uow.commit()
    second = documents.register_document(uow, upload(b"\xff\xd8\xff two", replaces=first.id), owners=owners)
    uow.commit()
    assert (second.version, second.series_id) == (2, first.id)
    assert first.superseded_by == second.id and first.superseded_at is not None
    listing = {"owner_type": "customer", "owner_id": "c-1", "page": 1, "page_size": 20}
    assert [d.id for d in documents.list_documents(uow, listing, owners=owners)["items"]] == [second.id]
    everything = documents.list_documents(uow, {**listing, "all_versions": True}, owners=owners)
    assert {d.id for d in everything["items"]} == {first.id, second.id}
    uow.commit()
    file = views.document_file(documents.read_document(uow, first.id, owners=owners))
    assert [v["version"] for v in file["versions"]] == [1, 2] and file["current"] is False
    uow.commit()
    assert documents.open_document(uow, first.id, owners=owners).storage_key == first.storage_key  # history reads
    uow.commit()
    with pytest.raises(Refused) as refused:
        documents.register_document(uow, upload(b"\xff\xd8\xff three", replaces=first.id), owners=owners)
    assert (refused.value.code, refused.value.extra) == ("DOCUMENT_SUPERSEDED", {"current_id": second.id})
    uow.rollback()
    with pytest.raises(Refused) as refused:
        documents.register_document(uow, upload(b"\xff\xd8\xff three", replaces=second.id, category="id_card_back"),
                                    owners=owners)
    assert refused.value.code == "DOCUMENT_REPLACEMENT_MISMATCH"
    uow.rollback()
    with pytest.raises(ValidationFailed) as refused:
        documents.register_document(uow, upload(b"\xff\xd8\xff three", replaces="nothing"), owners=owners)
    assert refused.value.errors == {"replaces": ["no such document"]}
    uow.rollback()
    assert rows(uow) == 2
    actions = [action for action, *_ in uow.audits()]
    assert actions == ["upload_document", "upload_document", "list_documents", "list_documents", "view_document",
                       "download_document"]


def test_deleting_is_soft_takes_the_history_with_it_and_names_who(uow, owners):
    first = documents.register_document(uow, upload(b"%PDF- one"), owners=owners)
    uow.commit()
    second = documents.register_document(uow, upload(b"%PDF- two", replaces=first.id), owners=owners)
    uow.commit()
    with pytest.raises(Refused) as refused:
        documents.delete_document(uow, first.id, owners=owners)
    assert refused.value.code == "DOCUMENT_SUPERSEDED"
    uow.rollback()
    documents.delete_document(uow, second.id, owners=owners)
    uow.commit()
    for version in (first, second):
        row = uow.session.get(Document, version.id)
        assert row.deleted_at is not None and row.deleted_by == "e-officer"  # kept, with who deleted it
    listing = {"owner_type": "customer", "owner_id": "c-1", "page": 1, "page_size": 20, "all_versions": True}
    assert documents.list_documents(uow, listing, owners=owners)["items"] == []
    uow.commit()
    for read in (documents.read_document, documents.open_document, documents.delete_document):
        with pytest.raises(NotFound):
            read(uow, second.id, owners=owners)
    [(_, _, target_id, changes)] = uow.audits("delete_document")
    assert target_id == second.id and changes["versions"] == 2
    # the same content may be uploaded again once the document holding it is deleted
    documents.register_document(uow, upload(b"%PDF- two", storage_key="documents/2026/12/" + "9" * 32),
                                owners=owners)


def test_the_categories_each_record_has_on_file(uow, owners):
    documents.register_document(uow, upload(b"\xff\xd8\xff a"), owners=owners)
    documents.register_document(uow, upload(b"\xff\xd8\xff b", category="id_card_back"), owners=owners)
    documents.register_document(uow, upload(b"%PDF- c", owner_type="loan", owner_id="loan-1",
                                            category="signed_contract"), owners=owners)
    uow.commit()
    found = documents.categories_on_file(uow, {"owners": [
        {"owner_type": "customer", "owner_id": "c-1"}, {"owner_type": "loan", "owner_id": "loan-1"},
        {"owner_type": "vehicle", "owner_id": "veh-1"}]})
    assert views.categories_on_file(found) == [
        {"owner_type": "customer", "owner_id": "c-1", "categories": ["id_card_back", "id_card_front"]},
        {"owner_type": "loan", "owner_id": "loan-1", "categories": ["signed_contract"]},
        {"owner_type": "vehicle", "owner_id": "veh-1", "categories": []}]


def test_the_catalogue_answers_every_category_with_its_records():
    catalogue = views.categories()
    assert {"code": "gps_installation_photo", "label": "GPS安装照片", "owner_types": ["gps_task"]} in \
        catalogue["categories"]
    assert [t["code"] for t in catalogue["media_types"]] == ["image/jpeg", "image/png", "application/pdf"]
