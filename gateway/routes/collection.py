"""贷后管理 Post-loan: collection tasks (催收任务), early warnings (预警) and five-level classification (五级分类)."""
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway.rpc import call
from gateway.auth import requires
from gateway.schemas.collection import (AdjustmentSchema, AssignSchema, ClassificationListArgs, ClassificationSchema,
                                        CollectionRecordSchema, CollectionTaskDetailSchema, CollectionTaskListArgs,
                                        CollectionTaskSchema, WarningListArgs, WarningResolveSchema, WarningSchema)
from gateway.schemas.common import ReviewSchema, page_of

blp = Blueprint("collection", __name__, url_prefix="/api/v1",
                description="贷后管理 Post-loan: collection tasks, early warnings, five-level classification")


# -- collection tasks ----------------------------------------------------------------------------
@blp.route("/collection/tasks")
class CollectionTasks(MethodView):
    @blp.arguments(CollectionTaskListArgs, location="query")
    @blp.response(200, page_of(CollectionTaskSchema))
    @requires("collection.view")
    def get(self, args):
        """催收任务: the collector's inbox, high priority and due today / overdue first. A task opens when a loan
        becomes overdue (one open task per loan), moves through the stages by DPD and closes itself when the
        loan is current again."""
        return call("collection", "list_tasks", status=args.get("status"), assignee_id=args.get("assignee_id"),
                    loan_id=args.get("loan_id"), stage=args.get("stage"), page=args["page"],
                    page_size=args["page_size"])


@blp.route("/collection/tasks/<task_id>")
class CollectionTaskDetail(MethodView):
    @blp.response(200, CollectionTaskDetailSchema)
    @requires("collection.view")
    def get(self, task_id):
        """One collection task with its records (催收记录)."""
        return call("collection", "get_task", task_id)


@blp.route("/collection/tasks/<task_id>/assign")
class CollectionTaskAssign(MethodView):
    @blp.arguments(AssignSchema)
    @blp.response(200, CollectionTaskSchema)
    @requires("collection.task.assign")
    def post(self, data, task_id):
        """催收分派: hand the task to another collector (tasks are assigned round-robin among the collectors of
        the loan's department when they open)."""
        return call("collection", "assign_task", task_id, data)


@blp.route("/collection/tasks/<task_id>/records")
class CollectionTaskRecords(MethodView):
    @blp.arguments(CollectionRecordSchema)
    @blp.response(201, CollectionRecordSchema)
    @requires("collection.task.work")
    def post(self, data, task_id):
        """催收记录: a call, SMS, visit or letter and its result, with a promise to pay (承诺还款: amount and date)
        if one was made. A promise not kept by its date raises the task's priority."""
        return call("collection", "add_record", task_id, data)


# -- early warnings ------------------------------------------------------------------------------
@blp.route("/warnings")
class Warnings(MethodView):
    @blp.arguments(WarningListArgs, location="query")
    @blp.response(200, page_of(WarningSchema))
    @requires("collection.view")
    def get(self, args):
        """预警: first overdue, DPD crossing 30, repeated late payments, GPS offline or removed, geofence exit,
        customer blacklisted, LTV above the threshold; each with a level, an owner and a resolution."""
        return call("collection", "list_warnings", loan_id=args.get("loan_id"), level=args.get("level"),
                    status=args.get("status"), kind=args.get("kind"), page=args["page"],
                    page_size=args["page_size"])


@blp.route("/warnings/<warning_id>/resolve")
class WarningResolve(MethodView):
    @blp.arguments(WarningResolveSchema)
    @blp.response(200, WarningSchema)
    @requires("collection.warning.resolve")
    def post(self, data, warning_id):
        """预警处理: record what was done about the warning; `status: resolved`."""
        return call("collection", "resolve_warning", warning_id, data)


# -- five-level classification -------------------------------------------------------------------
@blp.route("/classifications")
class Classifications(MethodView):
    @blp.arguments(ClassificationListArgs, location="query")
    @blp.response(200, page_of(ClassificationSchema))
    @requires("collection.view")
    def get(self, args):
        """五级分类: each loan's current grade (正常 / 关注 / 次级 / 可疑 / 损失), the floor its DPD and
        restructuring allow, and the history of changes."""
        return call("collection", "list_classifications", loan_id=args.get("loan_id"), grade=args.get("grade"),
                    page=args["page"], page_size=args["page_size"])


@blp.route("/classifications/<loan_id>/adjustments")
class ClassificationAdjustments(MethodView):
    @blp.arguments(AdjustmentSchema)
    @blp.response(201, AdjustmentSchema)
    @requires("collection.classification.adjust")
    def post(self, data, loan_id):
        """五级分类调整: ask for a manual grade, worse or better but never better than the DPD floor, with a
        reason; a post-loan manager decides."""
        return call("collection", "request_adjustment", loan_id, data)


@blp.route("/classification-adjustments/<adjustment_id>/decision")
class ClassificationAdjustmentDecision(MethodView):
    @blp.arguments(ReviewSchema)
    @blp.response(200, AdjustmentSchema)
    @requires("collection.classification.approve")
    def post(self, data, adjustment_id):
        """Approve or reject, by someone other than who requested it (maker-checker). Approval sets the manual
        grade and publishes `collection.classification_changed` when the grade changes."""
        return call("collection", "decide_adjustment", adjustment_id, data)
