"""Schemas of 影像资料 Documents: an upload's fields (multipart), a document and its versions, the list of a record's
documents, and the catalogue of categories."""
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from gateway.i18n import Label
from gateway.schemas.common import TIMESTAMP, PageArgs
from services.common.schemas import Strict
from services.document import contract as document_contract

OWNER_TYPES = list(document_contract.OWNER_TYPES)
CATEGORIES = list(document_contract.CATEGORIES)
OWNER_DESCRIPTION = ("customer 客户, application 贷款申请, vehicle 车辆, loan 贷款, gps_task GPS任务, "
                     "mortgage_task 抵押任务")


class OwnerFields(Strict):
    owner_type = fields.String(required=True, validate=validate.OneOf(OWNER_TYPES),
                               metadata={"description": OWNER_DESCRIPTION})
    owner_id = fields.String(required=True, validate=validate.Length(min=1, max=64),
                             metadata={"description": "the id of the customer, application, vehicle, loan or task"})


class UploadFields(OwnerFields):
    """The text fields of an upload (the file is the part named `file`)."""
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES),
                             metadata={"description": "one of the owner type's categories (GET /document-categories)"})
    replaces = fields.String(load_default=None, validate=validate.Length(min=1, max=36),
                             metadata={"description": "the current version of a document this file is the next "
                                                      "version of (same record and category)"})


class DocumentUploadSchema(UploadFields):
    """multipart/form-data: the fields and the file."""
    file = Upload(required=True, metadata={"description": "JPEG, PNG or PDF, told by its content (not its name), "
                                                          "not empty, at most CARLOAN_DOCUMENT_MAX_BYTES (10 MB)"})


class DocumentListArgs(OwnerFields, PageArgs):
    all_versions = fields.Boolean(load_default=False,
                                  metadata={"description": "also the versions a newer one replaced"})


class ContentArgs(Strict):
    download = fields.Boolean(load_default=False, metadata={
        "description": "`Content-Disposition: attachment` (save) rather than `inline` (shown in the browser)"})


class DocumentSchema(Schema):
    id = fields.String(required=True)
    series_id = fields.String(metadata={"description": "the first version's id, shared by every version"})
    version = fields.Integer(required=True)
    current = fields.Boolean(metadata={"description": "false once a newer version replaced it"})
    owner_type = fields.String(required=True, validate=validate.OneOf(OWNER_TYPES))
    owner_type_label = Label("owner_type", "document_owner_type")
    owner_id = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    category_label = Label("category", "document_category")
    file_name = fields.String(required=True, metadata={"description": "as uploaded, its extension that of its type"})
    media_type = fields.String(required=True, validate=validate.OneOf(list(document_contract.MEDIA_TYPES)),
                               metadata={"description": "told by the content: image/jpeg, image/png, application/pdf"})
    size = fields.Integer(required=True, metadata={"description": "bytes"})
    sha256 = fields.String(required=True, metadata={"description": "of the content, in hex"})
    uploaded_by = fields.String()
    uploaded_by_name = fields.String()
    uploaded_at = fields.String(metadata=TIMESTAMP)
    superseded_at = fields.String(allow_none=True, metadata=TIMESTAMP)
    superseded_by = fields.String(allow_none=True, metadata={"description": "the id of the version that replaced it"})


class DocumentFileSchema(DocumentSchema):
    versions = fields.List(fields.Nested(DocumentSchema), metadata={"description": "every version, oldest first"})


class CategorySchema(Schema):
    code = fields.String(required=True)
    label = Label("code", "document_category")
    owner_types = fields.List(fields.String(validate=validate.OneOf(OWNER_TYPES)))


class OwnerTypeSchema(Schema):
    code = fields.String(required=True)
    label = Label("code", "document_owner_type")


class MediaTypeSchema(Schema):
    code = fields.String(required=True)
    label = Label("code", "media_type")


class CatalogueSchema(Schema):
    categories = fields.List(fields.Nested(CategorySchema))
    owner_types = fields.List(fields.Nested(OwnerTypeSchema))
    media_types = fields.List(fields.Nested(MediaTypeSchema))


class ChecklistEntrySchema(Schema):
    owner_type = fields.String(validate=validate.OneOf(tuple(document_contract.OWNER_TYPES)))
    owner_id = fields.String()
    category = fields.String()
    category_label = fields.String()


class ChecklistItemStateSchema(ChecklistEntrySchema):
    owner_type_label = fields.String()
    on_file = fields.Boolean(metadata={"description": "a current document of that category is on the record"})


class ChecklistStageSchema(Schema):
    stage = fields.String(metadata={"description": "approval, signing, disbursement_review, gps_installation, "
                                                   "mortgage_registration"})
    stage_label = fields.String()
    complete = fields.Boolean(metadata={"description": "every item on file: the stage may pass"})
    items = fields.List(fields.Nested(ChecklistItemStateSchema))


class ChecklistSchema(Schema):
    """资料清单 of a record: per stage its product asks documents for, what is on file; and what is still missing
    (the same list a `DOCUMENTS_MISSING` refusal carries)."""
    stages = fields.List(fields.Nested(ChecklistStageSchema))
    missing = fields.List(fields.Nested(ChecklistEntrySchema))
