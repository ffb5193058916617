"""Marshmallow schemas of the document service's RPC boundary."""
from marshmallow import fields, validate

from services.common.schemas import Strict, StrictInteger, ascii_regexp
from services.document.contract import MEDIA_TYPES, OWNER_TYPES

OWNER_ID = {"validate": validate.Length(min=1, max=64)}
STORAGE_KEY = r"documents/[0-9]{4}/[0-9]{2}/[0-9a-f]{32}"


class Owner(Strict):
    owner_type = fields.String(required=True, validate=validate.OneOf(OWNER_TYPES))
    owner_id = fields.String(required=True, **OWNER_ID)


class DocumentIn(Owner):
    """What the gateway registers once it has stored a file it checked (type by content, size, not empty)."""
    category = fields.String(required=True, validate=validate.Length(min=1, max=50))
    file_name = fields.String(required=True, validate=validate.Length(max=1000))
    media_type = fields.String(required=True, validate=validate.OneOf(MEDIA_TYPES))
    size = StrictInteger(required=True, validate=validate.Range(min=1))
    sha256 = fields.String(required=True, validate=ascii_regexp(r"[0-9a-f]{64}", "not a SHA-256 in hex"))
    storage_key = fields.String(required=True, validate=ascii_regexp(STORAGE_KEY, "not a storage key"))
    replaces = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=36))


class ListIn(Owner):
    all_versions = fields.Boolean(load_default=False)
    page = StrictInteger(load_default=1, validate=validate.Range(min=1))
    page_size = StrictInteger(load_default=20, validate=validate.Range(min=1, max=100))


class OwnersIn(Strict):
    owners = fields.List(fields.Nested(Owner), required=True, validate=validate.Length(max=100))
