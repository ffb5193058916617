"""A document's bytes at the gateway: an upload streamed from the multipart body into object storage as it arrives,
hashed (SHA-256) and counted on the way, its type told by its first bytes; a download streamed back from storage.

The multipart body is parsed here (werkzeug's form parser with a stream factory of our own), not into temporary
files: each file part goes straight to a storage upload (`services/common/storage.py`), which is committed only when
the file passed every check (not empty, at most `CARLOAN_DOCUMENT_MAX_BYTES`, JPEG, PNG or PDF by its content) and
aborted otherwise. A file that is too large or of another type stops being stored as soon as that is known; the
rest of the body is read and counted only, so the client hears a problem rather than a broken connection."""
import datetime as dt
import functools
import hashlib
import itertools
import logging
import urllib.parse
import uuid
from dataclasses import dataclass

from flask import Response
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

from services.common import config, storage
from services.common.errors import DomainError, NotFound, Unavailable, ValidationFailed
from services.document.contract import DEFAULT_MAX_BYTES, SNIFF_BYTES, content_problem, media_type_of

log = logging.getLogger(__name__)

FORM_OVERHEAD = 64 * 1024  # the multipart framing and the text fields around the file
MAX_FILE_NAME = 1000


class TooLarge(DomainError):
    status = 413
    code = "DOCUMENT_TOO_LARGE"
    title = "Request Entity Too Large"


@functools.cache
def store():
    """The object store this process writes to and reads from (one client, shared by the worker's threads)."""
    return storage.from_env()


def max_bytes():
    return config.env_int("CARLOAN_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def new_key(now=None):
    """Where a new object goes: `documents/<year>/<month>/<random 128 bits>`."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return f"documents/{now:%Y/%m}/{uuid.uuid4().hex}"


class _Sink:
    """What the multipart parser writes one file part into: storage, a hash, a count, and the first bytes."""

    def __init__(self, target, limit):
        self.key, self.limit = new_key(), limit
        self.upload = target.writer(self.key)
        self.digest, self.size, self.head = hashlib.sha256(), 0, b""
        self.committed = False

    def write(self, data):
        self.size += len(data)
        self.digest.update(data)
        if len(self.head) < SNIFF_BYTES:
            self.head += bytes(data[:SNIFF_BYTES - len(self.head)])
        if self.upload is not None and (self.size > self.limit or (
                len(self.head) >= SNIFF_BYTES and media_type_of(self.head) is None)):
            self.abort()  # refused whatever follows: store nothing more of it
        if self.upload is not None:
            self.upload.write(data)
        return len(data)

    def seek(self, *args):  # the parser rewinds a finished part; nothing here is read back
        return 0

    def tell(self):
        return self.size

    def close(self):
        pass

    def abort(self):
        if self.upload is not None:
            upload, self.upload = self.upload, None
            upload.abort()

    def commit(self):
        self.upload.commit()
        self.upload, self.committed = None, True


@dataclass(frozen=True)
class Received:
    """An upload stored and checked: its text fields, and where its bytes are and what they are."""
    fields: dict
    key: str
    file_name: str
    media_type: str
    size: int
    sha256: str


def receive(request, load_fields):
    """Stream the request's multipart body into storage and check it: the text fields through `load_fields` (a
    function raising the 422 of a bad field), the part named `file` stored, any other file part dropped. Every
    refusal (no file, a bad field, empty, too large, a type other than JPEG, PNG or PDF, an unreadable body) leaves
    nothing stored; so does a failure of the store itself (503 `STORAGE_UNAVAILABLE`)."""
    limit, target, sinks = max_bytes(), store(), []

    def sink(total_content_length=None, content_type=None, filename=None, content_length=None):
        sinks.append(_Sink(target, limit))
        return sinks[-1]

    request.max_content_length = limit + FORM_OVERHEAD  # this route's own ceiling, above the API's 1 MB
    parser = FormDataParser(stream_factory=sink, max_form_memory_size=FORM_OVERHEAD, silent=False,
                            max_content_length=limit + FORM_OVERHEAD, max_form_parts=20)
    try:
        try:
            _, form, files = parser.parse(request.stream, request.mimetype, request.content_length,
                                          request.mimetype_params)
        except RequestEntityTooLarge:
            raise _refusal(*content_problem(limit + 1, b"", limit)) from None
        except ValueError as exc:
            raise DomainError(f"the multipart body cannot be read: {exc}", code="MULTIPART_INVALID") from None
        uploaded = files.getlist("file")
        fields = load_fields({key: form.get(key) for key in form})
        if not uploaded or not isinstance(uploaded[0].stream, _Sink):
            raise ValidationFailed("file: Missing data for required field.",
                                   errors={"file": ["Missing data for required field."]})
        kept = uploaded[0].stream
        problem = content_problem(kept.size, kept.head, limit)
        if problem:
            raise _refusal(*problem)
        kept.commit()
    except storage.StorageError as exc:
        _abort(sinks)
        raise Unavailable(f"object storage failed: {exc}", code="STORAGE_UNAVAILABLE") from None
    except BaseException:
        _abort(sinks)
        raise
    _abort(sink for sink in sinks if sink is not kept)
    return Received(fields=fields, key=kept.key, file_name=(uploaded[0].filename or "")[:MAX_FILE_NAME],
                    media_type=media_type_of(kept.head), size=kept.size, sha256=kept.digest.hexdigest())


def _refusal(code, message, extra):
    if code == "DOCUMENT_TOO_LARGE":
        return TooLarge(f"file: {message}", errors={"file": [message]}, extra=extra)
    return ValidationFailed(f"file: {message}", code=code, errors={"file": [message]}, extra=extra)


def _abort(sinks):
    for sink in sinks:
        try:
            sink.abort()
        except storage.StorageError:
            log.exception("an upload refused could not be aborted in storage")


def discard(received):
    """Take a stored upload out again (its registration was refused)."""
    try:
        store().delete(received.key)
    except storage.StorageError:
        log.exception("a refused upload's object %s could not be deleted", received.key)


# -- download ----------------------------------------------------------------------------------------------------
def open_content(document):
    """(first chunk, the rest) of a document's bytes, read from storage; 404 `DOCUMENT_CONTENT_MISSING` when its
    object is gone (logged: storage lost something the records say it holds), 503 when the store fails."""
    try:
        chunks = store().read(document["storage_key"])
        first = next(chunks, b"")
    except storage.ObjectMissing:
        log.error("document %s: no object at %s", document["id"], document["storage_key"])
        raise NotFound("the document's content is missing from storage", code="DOCUMENT_CONTENT_MISSING") from None
    except storage.StorageError as exc:
        raise Unavailable(f"object storage failed: {exc}", code="STORAGE_UNAVAILABLE") from None
    return itertools.chain([first], chunks)


def content_disposition(file_name, attachment=False):
    """`inline` or `attachment` with the file name twice: plain ASCII for old clients (what is not ASCII dropped),
    and RFC 5987's `filename*` in UTF-8, which every current browser reads (so 身份证正面.jpg keeps its name)."""
    stem, dot, extension = file_name.rpartition(".")
    ascii_stem = "".join(ch for ch in (stem if dot else file_name) if 32 <= ord(ch) < 127 and ch not in '"\\;')
    fallback = (ascii_stem.strip() or "document") + (f".{extension}" if dot else "")
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{urllib.parse.quote(file_name, safe='')}"


def content_response(document, attachment=False):
    """The answer streaming a document's bytes (`document` as the document service's `open_document` gives it)."""
    return Response(open_content(document), mimetype=document["media_type"], headers={
        "Content-Length": str(document["size"]), "ETag": f"\"{document['sha256']}\"",
        "Content-Disposition": content_disposition(document["file_name"], attachment)})
