"""客户管理 Customers: persons, enterprises, search, blacklist."""
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway.rpc import call
from gateway.auth import requires
from gateway.schemas.common import page_of
from gateway.schemas.customers import (BlacklistListArgs, BlacklistSchema, CustomerListArgs, CustomerPatchSchema,
                                       CustomerSchema, EnterpriseSchema, PersonSchema, UnmaskArgs)

blp = Blueprint("customers", __name__, url_prefix="/api/v1",
                description="客户管理 Customers: persons, enterprises, blacklist")


@blp.route("/customers/persons")
class Persons(MethodView):
    @blp.arguments(PersonSchema)
    @blp.response(201, CustomerSchema)
    @requires("customer.manage")
    def post(self, data):
        """Register a personal customer (个人客户). 409 with `existing_id` if the ID number is known."""
        return call("customer", "create_person", data)


@blp.route("/customers/enterprises")
class Enterprises(MethodView):
    @blp.arguments(EnterpriseSchema)
    @blp.response(201, CustomerSchema)
    @requires("customer.manage")
    def post(self, data):
        """Register an enterprise customer (企业客户). 409 with `existing_id` if the USCC is known."""
        return call("customer", "create_enterprise", data)


@blp.route("/customers")
class Customers(MethodView):
    @blp.arguments(CustomerListArgs, location="query")
    @blp.response(200, page_of(CustomerSchema))
    @requires("customer.view")
    def get(self, args):
        """Find customers within the caller's data scope; personal data masked."""
        return call("customer", "list_customers", type=args.get("type"), q=args.get("q"),
                    page=args["page"], page_size=args["page_size"])


@blp.route("/customers/<customer_id>")
class CustomerDetail(MethodView):
    @blp.arguments(UnmaskArgs, location="query")
    @blp.response(200, CustomerSchema)
    @requires("customer.view")
    def get(self, args, customer_id):
        """One customer with loan history and credit status. `?unmask=true` (permission
        `customer.unmask`) shows full ID number and phone, and is audited."""
        return call("customer", "get_customer", customer_id, unmask=args["unmask"])

    @blp.arguments(CustomerPatchSchema)
    @blp.response(200, CustomerSchema)
    @requires("customer.manage", "customer.identity.correct")
    def patch(self, data, customer_id):
        """Correct a customer (404 outside the caller's data scope). Contact data (phone, address, employer and
        monthly income of a person; phone, address and legal representative of an enterprise) needs
        `customer.manage`; the identity number (`id_number` of a person, `uscc` of an enterprise) needs
        `customer.identity.correct` (403 `PERMISSION_DENIED` otherwise), and is checked again: checksum (422
        `ID_NUMBER_INVALID`, `USCC_INVALID`), duplicates (409 `CUSTOMER_DUPLICATE` with `existing_id`). A field
        of the other customer type is 422 `FIELD_NOT_APPLICABLE`; a field given with its present value changes
        nothing. Audited with each field's value before and after, masked."""
        return call("customer", "update_customer", customer_id, data)


@blp.route("/blacklist")
class Blacklist(MethodView):
    @blp.arguments(BlacklistListArgs, location="query")
    @blp.response(200, page_of(BlacklistSchema))
    @requires("blacklist.view")
    def get(self, args):
        """黑名单 Blacklist entries (active ones unless `active=false`)."""
        return call("customer", "list_blacklist", active=args["active"], page=args["page"],
                    page_size=args["page_size"])

    @blp.arguments(BlacklistSchema)
    @blp.response(201, BlacklistSchema)
    @requires("blacklist.manage")
    def post(self, data):
        """Blacklist a customer, or a bare ID number / USCC of someone not (yet) a customer."""
        return call("customer", "add_to_blacklist", data)


@blp.route("/blacklist/<entry_id>")
class BlacklistEntry(MethodView):
    @blp.response(200, BlacklistSchema)
    @requires("blacklist.manage")
    def delete(self, entry_id):
        """Remove from the blacklist; the entry is kept with who removed it and when."""
        return call("customer", "remove_from_blacklist", entry_id)
