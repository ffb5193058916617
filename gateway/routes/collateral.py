"""抵押物管理 Collateral: vehicles, valuations (车辆评估), GPS, mortgage (抵押登记) and release (解押) tasks."""
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway.rpc import call
from gateway.auth import requires
from gateway.schemas.collateral import (GpsAlertListArgs, GpsAlertSchema, GpsTaskDoneSchema, GpsTaskListArgs,
                                        MortgageRegisteredSchema, ReleaseDoneSchema, TaskListArgs, TaskSchema,
                                        ValuationListArgs, ValuationSchema, VehicleDetailSchema, VehicleListArgs,
                                        VehiclePatchSchema, VehicleSchema)
from gateway.schemas.common import PageArgs, ReviewSchema, page_of

blp = Blueprint("collateral", __name__, url_prefix="/api/v1",
                description="抵押物管理 Collateral: vehicles, valuation, GPS, mortgage and release")

GPS_KINDS = ("gps_install", "gps_removal")


def _tasks(kinds, args):
    return call("collateral", "list_tasks", kinds=kinds, loan_id=args.get("loan_id"), status=args.get("status"),
                overdue=args.get("overdue"), page=args["page"], page_size=args["page_size"])


# -- vehicles ------------------------------------------------------------------------------------
@blp.route("/vehicles")
class Vehicles(MethodView):
    @blp.arguments(VehicleSchema)
    @blp.response(201, VehicleSchema)
    @requires("collateral.vehicle.manage")
    def post(self, data):
        """Register a vehicle (车辆登记). 422 `VIN_INVALID` names what is wrong with the VIN; 409 with
        `existing_id` if the VIN is already registered."""
        return call("collateral", "create_vehicle", data)

    @blp.arguments(VehicleListArgs, location="query")
    @blp.response(200, page_of(VehicleSchema))
    @requires("collateral.view")
    def get(self, args):
        """Vehicles within the caller's data scope."""
        return call("collateral", "list_vehicles", q=args.get("q"), owner_customer_id=args.get("owner_customer_id"),
                    page=args["page"], page_size=args["page_size"])


@blp.route("/vehicles/<vehicle_id>")
class VehicleDetail(MethodView):
    @blp.response(200, VehicleDetailSchema)
    @requires("collateral.view")
    def get(self, vehicle_id):
        """One vehicle with its current valuation and its owners over time."""
        return call("collateral", "get_vehicle", vehicle_id)

    @blp.arguments(VehiclePatchSchema)
    @blp.response(200, VehicleSchema)
    @requires("collateral.vehicle.manage")
    def patch(self, data, vehicle_id):
        """Correct a vehicle (404 outside the caller's data scope): plate, mileage, colour, brand, model and year at
        any time, checked as at registration. The VIN and the owner only while no loan application being decided or
        loan signed or running names the vehicle and no mortgage or GPS task of it is open (409 `VEHICLE_IN_USE`
        with `dependents`); a VIN already registered is 409 `VEHICLE_DUPLICATE`. Audited with before and after."""
        return call("collateral", "update_vehicle", vehicle_id, data)


@blp.route("/vehicles/<vehicle_id>/valuations")
class VehicleValuations(MethodView):
    @blp.arguments(ValuationSchema)
    @blp.response(201, ValuationSchema)
    @requires("collateral.valuation.submit")
    def post(self, data, vehicle_id):
        """Submit a valuation (车辆评估); status `submitted` until another user reviews it."""
        return call("collateral", "submit_valuation", vehicle_id, data)

    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(ValuationSchema))
    @requires("collateral.view")
    def get(self, args, vehicle_id):
        """The vehicle's valuation history, newest first."""
        call("collateral", "get_vehicle", vehicle_id)  # 404 outside the caller's scope
        return call("collateral", "list_valuations", vehicle_id=vehicle_id, page=args["page"],
                    page_size=args["page_size"])


# -- valuations ----------------------------------------------------------------------------------
@blp.route("/valuations")
class Valuations(MethodView):
    @blp.arguments(ValuationListArgs, location="query")
    @blp.response(200, page_of(ValuationSchema))
    @requires("collateral.view")
    def get(self, args):
        """Valuations; `?status=submitted` is the reviewer's queue."""
        return call("collateral", "list_valuations", vehicle_id=args.get("vehicle_id"), status=args.get("status"),
                    page=args["page"], page_size=args["page_size"])


@blp.route("/valuations/<valuation_id>")
class ValuationDetail(MethodView):
    @blp.response(200, ValuationSchema)
    @requires("collateral.view")
    def get(self, valuation_id):
        """One valuation."""
        return call("collateral", "get_valuation", valuation_id)


@blp.route("/valuations/<valuation_id>/review")
class ValuationReview(MethodView):
    @blp.arguments(ReviewSchema)
    @blp.response(200, ValuationSchema)
    @requires("collateral.valuation.review")
    def post(self, data, valuation_id):
        """Approve or reject (评估复核). 403 `SELF_REVIEW` for the appraiser who submitted it; 409
        `VALUATION_ALREADY_REVIEWED` once decided. Approval publishes `collateral.valuation_approved`."""
        return call("collateral", "review_valuation", valuation_id, data)


# -- GPS tasks -----------------------------------------------------------------------------------
@blp.route("/gps-tasks")
class GpsTasks(MethodView):
    @blp.arguments(GpsTaskListArgs, location="query")
    @blp.response(200, page_of(TaskSchema))
    @requires("collateral.view")
    def get(self, args):
        """GPS installation tasks (opened by `loan.disbursed`, due in 3 days) and removal tasks (opened by
        `loan.settled`), soonest due first; `?overdue=true` for the late ones."""
        return _tasks((args["kind"],) if args.get("kind") else GPS_KINDS, args)


@blp.route("/gps-tasks/<task_id>")
class GpsTaskDetail(MethodView):
    @blp.response(200, TaskSchema)
    @requires("collateral.view")
    def get(self, task_id):
        """One GPS task."""
        return _one(task_id, GPS_KINDS)


@blp.route("/gps-tasks/<task_id>/complete")
class GpsTaskComplete(MethodView):
    @blp.arguments(GpsTaskDoneSchema)
    @blp.response(200, TaskSchema)
    @requires("collateral.task.complete")
    def post(self, data, task_id):
        """Installation: `device_imei`, `installed_on` (publishes `collateral.gps_installed`); removal:
        `removed_on`. 409 `GPS_DEVICE_IN_USE` if the device is on another vehicle."""
        return call("collateral", "complete_gps_task", task_id, data)


# -- mortgage registration and release -----------------------------------------------------------
@blp.route("/mortgages")
class Mortgages(MethodView):
    @blp.arguments(TaskListArgs, location="query")
    @blp.response(200, page_of(TaskSchema))
    @requires("collateral.view")
    def get(self, args):
        """Mortgage registration tasks (抵押登记), opened by `loan.disbursed` and `loan.transferred`."""
        return _tasks(("mortgage_registration",), args)


@blp.route("/mortgages/<task_id>")
class MortgageDetail(MethodView):
    @blp.response(200, TaskSchema)
    @requires("collateral.view")
    def get(self, task_id):
        """One mortgage registration."""
        return _one(task_id, ("mortgage_registration",))


@blp.route("/mortgages/<task_id>/register")
class MortgageRegister(MethodView):
    @blp.arguments(MortgageRegisteredSchema)
    @blp.response(200, TaskSchema)
    @requires("collateral.task.complete")
    def post(self, data, task_id):
        """Record the registration (certificate number and date); publishes `collateral.mortgage_registered`."""
        return call("collateral", "register_mortgage", task_id, data)


@blp.route("/releases")
class Releases(MethodView):
    @blp.arguments(TaskListArgs, location="query")
    @blp.response(200, page_of(TaskSchema))
    @requires("collateral.view")
    def get(self, args):
        """Mortgage release tasks (解押), opened by `loan.settled`."""
        return _tasks(("mortgage_release",), args)


@blp.route("/releases/<task_id>")
class ReleaseDetail(MethodView):
    @blp.response(200, TaskSchema)
    @requires("collateral.view")
    def get(self, task_id):
        """One release."""
        return _one(task_id, ("mortgage_release",))


@blp.route("/releases/<task_id>/complete")
class ReleaseComplete(MethodView):
    @blp.arguments(ReleaseDoneSchema)
    @blp.response(200, TaskSchema)
    @requires("collateral.task.complete")
    def post(self, data, task_id):
        """Record the release; publishes `collateral.mortgage_released`."""
        return call("collateral", "complete_release", task_id, data)


# -- the GPS platform ----------------------------------------------------------------------------
@blp.route("/gps/alerts")
class GpsAlerts(MethodView):
    @blp.arguments(GpsAlertSchema)
    @blp.response(201, GpsAlertSchema)
    @blp.alt_response(200, schema=GpsAlertSchema, description="the same alert again: recorded once")
    @requires("collateral.gps.alert")
    def post(self, data):
        """An alert from the GPS platform (offline, removed, geofence exit) for an installed device: becomes
        `collateral.gps_alert` for the post-loan warnings. 422 `GPS_DEVICE_UNKNOWN` for an unknown IMEI."""
        result = call("collateral", "receive_gps_alert", data)
        return result["alert"], 201 if result["created"] else 200

    @blp.arguments(GpsAlertListArgs, location="query")
    @blp.response(200, page_of(GpsAlertSchema))
    @requires("collateral.view")
    def get(self, args):
        """Alerts received, newest first."""
        return call("collateral", "list_gps_alerts", loan_id=args.get("loan_id"), kind=args.get("kind"),
                    page=args["page"], page_size=args["page_size"])


def _one(task_id, kinds):
    return call("collateral", "get_task", task_id, kinds=list(kinds))
