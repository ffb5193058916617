"""What every schema of the HTTP contract shares: problem+json, paging, and the field types (money, rates,
dates, grades) the route modules build on."""
from marshmallow import INCLUDE, Schema, fields, validate

from services.collection import contract as collection_contract
from services.common import schemas as common_schemas
from services.common.schemas import QueryInteger, Strict, decimal_string
from services.org import contract as org_contract


TIMESTAMP = {"format": "date-time"}


DATA_SCOPES = org_contract.DATA_SCOPES


class ProblemSchema(Schema):
    class Meta:
        # RFC 9457 extension members: a code adds the values its message names (`existing_id`, `reason`,
        # `service`, `max_months`…); the document allows them, so an answer carrying one still matches it.
        unknown = INCLUDE

    type = fields.String()
    title = fields.String(metadata={"description": "in the answer's language: zh-CN, or en on Accept-Language: en"})
    status = fields.Integer()
    detail = fields.String(metadata={"description": "in the answer's language, like the messages in `errors`"})
    code = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    existing_id = fields.String(metadata={"description": "on 409: the record that already exists"})
    reason = fields.String(metadata={"description": "which of a code's cases this is, where it has several "
                                                    "(SEGREGATION_OF_DUTIES: investigator, decider…)"})


class PageArgs(Strict):
    page = QueryInteger(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    page_size = QueryInteger(load_default=20, validate=validate.Range(min=1, max=100))


_PAGES = {}


def page_of(item_schema):
    """The list envelope `{items, total, page, page_size}` around an item schema (one class per item schema,
    so the OpenAPI document names each once)."""
    if item_schema in _PAGES:
        return _PAGES[item_schema]
    name = item_schema.__name__.removesuffix("Schema") + "Page"
    _PAGES[item_schema] = type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "total": fields.Integer(required=True),
        "page": fields.Integer(required=True),
        "page_size": fields.Integer(required=True),
    })
    return _PAGES[item_schema]


PASSWORD_RULE = ("at least 10 characters of at least three kinds (lower case, upper case, digits, symbols), "
                 "not containing the username, not a common password (422 PASSWORD_TOO_WEAK)")


def money(metadata=None, **kwargs):
    """Money in and out as a decimal string with at most 2 decimals ("150000.00"); never a float."""
    return decimal_string(15, 2, "150000.00", metadata=metadata or {}, **kwargs)


DATE = {"format": "date"}


class IsoDate(common_schemas.IsoDate):
    """`YYYY-MM-DD` in (validated to a date) and out (services already answer with the ISO string)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value if isinstance(value, str) else super()._serialize(value, attr, obj, **kwargs)


# 五级分类, best to worst: the collection service grades, a loan shows its last grade
GRADES = tuple(collection_contract.GRADES)


GRADES_DESCRIPTION = "normal 正常, special_mention 关注, substandard 次级, doubtful 可疑, loss 损失"


class ReviewSchema(Strict):
    """A decision of maker-checker (approve or not, and why): valuations, credit lines, reversals, extensions,
    transfers and grade adjustments are decided with it."""
    approve = fields.Boolean(required=True)
    comment = fields.String(allow_none=True, validate=validate.Length(max=500))
