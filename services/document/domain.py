"""Document rules: which categories each kind of record keeps, what a file is by its content, the name it is kept
under, versions (a replacement is the next version of the same document, the one it replaces stays readable as
history), the same content twice on one record, and what may be deleted. No database, no framework."""
import os
import unicodedata

from services.common.refusal import Refused
from services.document.contract import (CATEGORIES, DEFAULT_MAX_BYTES, MEDIA_TYPES, OWNER_TYPES,  # noqa: F401
                                        SNIFF_BYTES, content_problem, media_type_of)

MAX_FILE_NAME = 200


def categories_of(owner_type):
    """The category codes kept on records of `owner_type`, in the catalogue's order."""
    return [code for code, (_, owners) in CATEGORIES.items() if owner_type in owners]


def check_category(owner_type, category):
    """A category must be one kept on that kind of record (身份证正面 on a customer, GPS安装照片 on a GPS task)."""
    if owner_type not in OWNER_TYPES:
        raise Refused("DOCUMENT_OWNER_TYPE_INVALID", f"no documents are kept on {owner_type!r}", field="owner_type",
                      allowed=list(OWNER_TYPES))
    if category not in categories_of(owner_type):
        raise Refused("DOCUMENT_CATEGORY_INVALID", f"{category!r} is not a category of {owner_type} documents",
                      field="category", owner_type=owner_type, allowed=categories_of(owner_type))


def file_name(given, media_type):
    """The name a file is kept and downloaded under: the last part of what the client sent (no folders), without
    control characters, NFC, at most 200 characters, and with an extension of the type its content shows (a PDF sent
    as 扫描件.jpg is kept as 扫描件.pdf: opened by its name it must open as what it is)."""
    name = unicodedata.normalize("NFC", (given or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    extensions = MEDIA_TYPES[media_type][1]
    stem, extension = os.path.splitext(name)
    if extension.lower() not in extensions:
        stem = name if extension.lower() not in _ALL_EXTENSIONS else stem
        extension = extensions[0]
    stem = stem or "document"
    return stem[:MAX_FILE_NAME - len(extension)] + extension


_ALL_EXTENSIONS = {extension for _, extensions in MEDIA_TYPES.values() for extension in extensions}


def check_not_duplicate(existing_id):
    """The same content (by SHA-256) once among a record's documents: 409 with the one already there."""
    if existing_id is not None:
        raise Refused("DOCUMENT_DUPLICATE", "the same file is already among this record's documents", kind="conflict",
                      existing_id=existing_id)


def check_replacement(current, current_id, owner_type, owner_id, category):
    """A new version replaces the current version (`current_id`) of a document of the same record and category."""
    if (current.owner_type, current.owner_id, current.category) != (owner_type, owner_id, category):
        raise Refused("DOCUMENT_REPLACEMENT_MISMATCH",
                      "a new version must be of the same record and category as the document it replaces",
                      field="replaces")  # nothing said of the other record: the caller may not see it
    if current.id != current_id:
        raise Refused("DOCUMENT_SUPERSEDED", "this version was already replaced: replace the current one",
                      kind="conflict", current_id=current_id)


def next_version(current):
    """The version number of a document's next version (the first is 1)."""
    return 1 if current is None else current.version + 1


def check_deletion(document, current_id):
    """A document is deleted through its current version (`current_id`), which takes its history with it."""
    if document.id != current_id:
        raise Refused("DOCUMENT_SUPERSEDED", "this version was replaced: delete the current one", kind="conflict",
                      current_id=current_id)


def owner_label(owner_type):
    return OWNER_TYPES[owner_type]


def category_label(category):
    return CATEGORIES[category][0]
