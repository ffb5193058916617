"""A record's documents: an upload registered (or a new version of a document), the list of a record's documents,
one document with its versions, one opened for download, a document deleted (softly: its rows stay, with who deleted
it), and which categories records have on file. Every access is audited; the owning service is asked before any
row is read or locked, or with the rows read released, so no database connection waits on another service."""
from dataclasses import dataclass

from sqlalchemy import select

from services.common.clock import utcnow
from services.common.errors import NotFound, field_error
from services.common.pagination import paginate
from services.common.tables import new_id
from services.document import domain
from services.document.models import Document
from services.document.usecases.owners import check_document_owner, check_owner


@dataclass(frozen=True)
class DocumentFile:
    """A document's version asked for, and every version of it, oldest first."""
    document: Document
    versions: list


def register_document(uow, data, *, owners):
    """Record a file the gateway stored and checked: its category must be one of its record's (422), the record one
    the caller may see (404 as for the record), its content new among the record's documents (409
    `DOCUMENT_DUPLICATE` with `existing_id`); `replaces` names the current version of a document of the same record
    and category, which the new one follows as its next version."""
    domain.check_category(data["owner_type"], data["category"])
    check_owner(owners, data["owner_type"], data["owner_id"])
    current = None
    if data.get("replaces"):
        current = uow.session.get(Document, data["replaces"], with_for_update=True)
        if current is None or current.deleted_at is not None:
            raise field_error("replaces", "no such document", code="DOCUMENT_NOT_FOUND")
        domain.check_replacement(current, _current_id(uow, current.series_id), data["owner_type"], data["owner_id"],
                                 data["category"])
    domain.check_not_duplicate(uow.session.scalar(select(Document.id).where(
        Document.owner_type == data["owner_type"], Document.owner_id == data["owner_id"],
        Document.sha256 == data["sha256"], Document.superseded_at.is_(None), Document.deleted_at.is_(None))))
    document_id, now = new_id(), utcnow()
    document = Document(
        id=document_id, series_id=current.series_id if current else document_id, version=domain.next_version(current),
        owner_type=data["owner_type"], owner_id=data["owner_id"], category=data["category"],
        file_name=domain.file_name(data["file_name"], data["media_type"]), media_type=data["media_type"],
        size=data["size"], sha256=data["sha256"], storage_key=data["storage_key"], uploaded_by=uow.actor.user_id,
        uploaded_by_name=uow.actor.username or uow.actor.user_id, uploaded_at=now)
    if current is not None:
        current.superseded_at, current.superseded_by = now, document_id
    uow.session.add(document)
    uow.session.flush()
    uow.audit("upload_document", "document", document.id, {
        "owner_type": document.owner_type, "owner_id": document.owner_id, "category": document.category,
        "file_name": document.file_name, "media_type": document.media_type, "size": document.size,
        "sha256": document.sha256, "version": document.version, "replaces": current.id if current else None})
    return document


def list_documents(uow, data, *, owners):
    """One page of a record's documents, newest first: their current versions, or with `all_versions` every version
    (deleted documents are not listed). 404 as for the record when the caller may not see it."""
    check_owner(owners, data["owner_type"], data["owner_id"])
    query = select(Document).where(Document.owner_type == data["owner_type"], Document.owner_id == data["owner_id"],
                                   Document.deleted_at.is_(None))
    if not data.get("all_versions"):
        query = query.where(Document.superseded_at.is_(None))
    page = paginate(uow.session, query.order_by(Document.uploaded_at.desc(), Document.id), data["page"],
                    data["page_size"])
    uow.audit("list_documents", data["owner_type"], data["owner_id"], {
        "all_versions": bool(data.get("all_versions")), "page": page["page"], "total": page["total"]})
    return page


def read_document(uow, document_id, *, owners):
    """A document (any of its versions) with every version of it; audited as `view_document`."""
    document = _readable(uow, document_id, owners)
    versions = uow.session.scalars(select(Document).where(Document.series_id == document.series_id)
                                   .order_by(Document.version)).all()
    uow.audit("view_document", "document", document.id, {"version": document.version})
    return DocumentFile(document, list(versions))


def open_document(uow, document_id, *, owners):
    """A document to download (a replaced version too: it is the history), audited as `download_document` before
    the gateway streams its bytes from storage."""
    document = _readable(uow, document_id, owners)
    uow.audit("download_document", "document", document.id, {
        "file_name": document.file_name, "media_type": document.media_type, "size": document.size,
        "sha256": document.sha256, "version": document.version})
    return document


def delete_document(uow, document_id, *, owners):
    """Delete a document through its current version: every version is marked deleted with who did it and when (its
    rows and bytes stay, for the audit); it is no longer listed or read. 409 `DOCUMENT_SUPERSEDED` for a replaced
    version (with `current_id`)."""
    _readable(uow, document_id, owners)
    document = uow.session.get(Document, document_id, with_for_update=True)
    if document is None or document.deleted_at is not None:  # deleted meanwhile
        raise NotFound("no such document", code="DOCUMENT_NOT_FOUND")
    domain.check_deletion(document, _current_id(uow, document.series_id))
    now = utcnow()
    versions = uow.session.scalars(select(Document).where(Document.series_id == document.series_id)
                                   .with_for_update()).all()
    for version in versions:
        version.deleted_at, version.deleted_by = now, uow.actor.user_id
    uow.audit("delete_document", "document", document.id, {
        "owner_type": document.owner_type, "owner_id": document.owner_id, "category": document.category,
        "file_name": document.file_name, "versions": len(versions)})
    return document


def categories_on_file(uow, data):
    """For other services (their checklists): the categories each record given has among its current documents,
    as {(owner_type, owner_id): sorted categories}."""
    found = {(owner["owner_type"], owner["owner_id"]): set() for owner in data["owners"]}
    for owner_type, ids in _by_type(found):
        rows = uow.session.execute(select(Document.owner_id, Document.category).where(
            Document.owner_type == owner_type, Document.owner_id.in_(ids), Document.superseded_at.is_(None),
            Document.deleted_at.is_(None))).all()
        for owner_id, category in rows:
            found[(owner_type, owner_id)].add(category)
    return {owner: sorted(categories) for owner, categories in found.items()}


def _by_type(owners):
    by_type = {}
    for owner_type, owner_id in owners:
        by_type.setdefault(owner_type, []).append(owner_id)
    return list(by_type.items())


def _readable(uow, document_id, owners):
    """A document not deleted whose record the caller may see, else 404 `DOCUMENT_NOT_FOUND`. The row read is
    released before the owning service is asked."""
    document = uow.session.get(Document, document_id)
    if document is None or document.deleted_at is not None:
        raise NotFound("no such document", code="DOCUMENT_NOT_FOUND")
    uow.session.close()  # no connection held while another service answers; the loaded row stays readable
    check_document_owner(owners, document)
    return document


def _current_id(uow, series_id):
    return uow.session.scalar(select(Document.id).where(Document.series_id == series_id,
                                                        Document.superseded_at.is_(None)))
