"""影像资料 Documents: the files kept on customers, applications, vehicles, loans and GPS and mortgage tasks. The bytes
go to object storage from here (gateway/uploads.py) and come back from there; the document service keeps what they
are and asks each record's own service who may see them."""
from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway import uploads
from gateway.auth import requires
from gateway.rpc import ServiceUnavailable, call
from gateway.schemas.common import ProblemSchema, page_of
from gateway.schemas.documents import (CatalogueSchema, ChecklistSchema, ContentArgs, DocumentFileSchema,
                                       DocumentListArgs, DocumentSchema, DocumentUploadSchema, UploadFields)
from gateway.problems import CONTENT_TYPE as PROBLEM
from services.common.schemas import load
from services.document.contract import MEDIA_TYPES

blp = Blueprint("documents", __name__, url_prefix="/api/v1",
                description="影像资料 Documents: upload (multipart), list, download, versions, delete; categories")

UPLOAD_BODY = {"required": True, "content": {"multipart/form-data": {"schema": DocumentUploadSchema}}}
CONTENT = {"200": {
    "description": "the bytes as stored, with the stored media type and `Content-Disposition` naming the file "
                   "(`filename*` in UTF-8, RFC 5987)",
    "headers": {"Content-Disposition": {"schema": {"type": "string"}}, "ETag": {"schema": {"type": "string"},
                                                                            "description": "the SHA-256, quoted"}},
    "content": {media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in MEDIA_TYPES}}}


@blp.route("/documents")
class Documents(MethodView):
    @blp.arguments(DocumentListArgs, location="query")
    @blp.response(200, page_of(DocumentSchema))
    @requires("document.view")
    def get(self, args):
        """A record's documents, newest first (current versions; `all_versions=true` adds the ones replaced). 404 as
        for the record itself when it is outside the caller's data scope. Audited."""
        return call("document", "list_documents", args["owner_type"], args["owner_id"],
                    all_versions=args["all_versions"], page=args["page"], page_size=args["page_size"])

    @blp.doc(requestBody=UPLOAD_BODY)
    @blp.alt_response(413, schema=ProblemSchema, content_type=PROBLEM,
                      description="`DOCUMENT_TOO_LARGE`: the file is over `max_bytes` (CARLOAN_DOCUMENT_MAX_BYTES)")
    @blp.alt_response(422, schema=ProblemSchema, content_type=PROBLEM, description="a field or the file refused")
    @blp.response(201, DocumentSchema)
    @requires("document.upload")
    def post(self):
        """Upload a document (multipart/form-data: `owner_type`, `owner_id`, `category`, `file`, and `replaces` for a
        new version of a document). The file is JPEG, PNG or PDF by its content, whatever its name (422
        `DOCUMENT_TYPE_NOT_ALLOWED`), not empty (422 `DOCUMENT_EMPTY`), at most 10 MB (413 `DOCUMENT_TOO_LARGE`);
        the same content twice on one record is 409 `DOCUMENT_DUPLICATE` with `existing_id`; a record outside the
        caller's data scope is 404 as for the record. A refused upload leaves nothing in storage. Audited."""
        received = uploads.receive(request, lambda form: load(UploadFields(), form))
        try:
            return call("document", "register_document", {
                **received.fields, "file_name": received.file_name, "media_type": received.media_type,
                "size": received.size, "sha256": received.sha256, "storage_key": received.key})
        except ServiceUnavailable as exc:
            if exc.reason != "timed out":  # else it may have been registered: an object too many beats a lost one
                uploads.discard(received)
            raise
        except BaseException:
            uploads.discard(received)
            raise


@blp.route("/documents/<document_id>")
class DocumentDetail(MethodView):
    @blp.response(200, DocumentFileSchema)
    @requires("document.view")
    def get(self, document_id):
        """A document (any version) with all its versions. 404 outside the caller's data scope. Audited."""
        return call("document", "get_document", document_id)

    @blp.response(200, DocumentSchema)
    @requires("document.delete")
    def delete(self, document_id):
        """Delete a document through its current version (409 `DOCUMENT_SUPERSEDED` with `current_id` otherwise):
        it and its history are no longer listed nor read, but kept, with who deleted it and when. Audited."""
        return call("document", "delete_document", document_id)


@blp.route("/documents/<document_id>/content")
class DocumentContent(MethodView):
    @blp.arguments(ContentArgs, location="query")
    @blp.doc(responses=CONTENT)
    @requires("document.view")
    def get(self, args, document_id):
        """The file, streamed from storage: inline (shown by the browser), or `download=true` to save it. A replaced
        version stays readable (history). 404 outside the caller's data scope. Audited as a download."""
        document = call("document", "open_document", document_id)
        return uploads.content_response(document, attachment=args["download"])


@blp.route("/document-categories")
class DocumentCategories(MethodView):
    @blp.response(200, CatalogueSchema)
    @requires("document.view")
    def get(self):
        """资料类别: each category with its label and the records it is kept on; the owner types; the file types."""
        return call("document", "list_categories")


# -- 资料清单: what each stage still waits for; the stage itself refuses with 409 `DOCUMENTS_MISSING` and the same
# `missing` list until it is complete. 404 as for the record. -----------------------------------------------------
@blp.route("/loan-applications/<application_id>/checklist")
class ApplicationChecklist(MethodView):
    @blp.response(200, ChecklistSchema)
    @requires("loan.view")
    def get(self, application_id):
        """资料清单 of an application: for 提交审批 (recording the investigation) and 签约, each document its
        product asks for, on file or not, and what is still missing."""
        return call("loan", "application_checklist", application_id)


@blp.route("/loans/<loan_id>/checklist")
class LoanChecklist(MethodView):
    @blp.response(200, ChecklistSchema)
    @requires("loan.view")
    def get(self, loan_id):
        """资料清单 of a loan: for 放款复核 (approving the disbursement), each document its product asks for."""
        return call("loan", "loan_checklist", loan_id)


@blp.route("/gps-tasks/<task_id>/checklist")
class GpsTaskChecklist(MethodView):
    @blp.response(200, ChecklistSchema)
    @requires("collateral.view")
    def get(self, task_id):
        """资料清单 of a GPS installation task: what must be on file before it is completed."""
        return call("collateral", "task_checklist", task_id, kinds=["gps_install", "gps_removal"])


@blp.route("/mortgages/<task_id>/checklist")
class MortgageChecklist(MethodView):
    @blp.response(200, ChecklistSchema)
    @requires("collateral.view")
    def get(self, task_id):
        """资料清单 of a mortgage registration task: what must be on file before it is registered."""
        return call("collateral", "task_checklist", task_id, kinds=["mortgage_registration", "mortgage_release"])
