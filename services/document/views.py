"""What the document service's RPCs answer, made from model objects: times as ISO text, labels in Chinese. The
storage key is answered only to the gateway's download (`content`), which reads the bytes with it."""
from services.document import domain
from services.document.contract import CATEGORIES, MEDIA_TYPES, OWNER_TYPES


def _iso(value):
    return value.isoformat() if value else None


def document(row):
    """A version of a document, as every document RPC answers it."""
    return {"id": row.id, "series_id": row.series_id, "version": row.version, "current": row.superseded_at is None,
            "owner_type": row.owner_type, "owner_type_label": domain.owner_label(row.owner_type),
            "owner_id": row.owner_id, "category": row.category, "category_label": domain.category_label(row.category),
            "file_name": row.file_name, "media_type": row.media_type, "size": row.size, "sha256": row.sha256,
            "uploaded_by": row.uploaded_by, "uploaded_by_name": row.uploaded_by_name,
            "uploaded_at": _iso(row.uploaded_at), "superseded_at": _iso(row.superseded_at),
            "superseded_by": row.superseded_by}


def documents(page):
    """A page of documents."""
    return {**page, "items": [document(row) for row in page["items"]]}


def document_file(file):
    """A document (`documents.DocumentFile`) with its versions, oldest first."""
    return {**document(file.document), "versions": [document(row) for row in file.versions]}


def content(row):
    """What the gateway needs to stream a document back: where its bytes are, and how to name and type them."""
    return {**document(row), "storage_key": row.storage_key}


def categories():
    """The catalogue: each category with its label and the records it is kept on; the owner types; the types."""
    return {"categories": [{"code": code, "label": label, "owner_types": list(owners)}
                           for code, (label, owners) in CATEGORIES.items()],
            "owner_types": [{"code": code, "label": label} for code, label in OWNER_TYPES.items()],
            "media_types": [{"code": code, "label": label} for code, (label, _) in MEDIA_TYPES.items()]}


def categories_on_file(found):
    """{(owner_type, owner_id): categories} as a list (RPC answers are JSON)."""
    return [{"owner_type": owner_type, "owner_id": owner_id, "categories": categories}
            for (owner_type, owner_id), categories in found.items()]
