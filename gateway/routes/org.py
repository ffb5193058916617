"""Organisation (组织架构): departments, positions, permissions, roles, employees."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway.rpc import call
from gateway.auth import requires
from gateway.schemas.common import PageArgs, page_of
from gateway.schemas.org import (DepartmentPatchSchema, DepartmentSchema, EmployeeGetArgs, EmployeeListArgs,
                                 EmployeePatchSchema, EmployeeSchema, PermissionSchema, PositionPatchSchema,
                                 PositionSchema, RolePatchSchema, RoleSchema)

blp = Blueprint("org", __name__, url_prefix="/api/v1",
                description="组织架构 Organisation: departments, positions, roles, employees")


@blp.route("/departments")
class Departments(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(DepartmentSchema))
    @requires("org.departments.view")
    def get(self, args):
        """部门 Departments: the flat list of the tree, each with its `parent_id`."""
        return call("org", "list_departments", args["page"], args["page_size"])

    @blp.arguments(DepartmentSchema)
    @blp.response(201, DepartmentSchema)
    @requires("org.departments.manage")
    def post(self, data):
        """Create a department, under `parent_id` if given."""
        return call("org", "create_department", data)


@blp.route("/departments/<department_id>")
class DepartmentDetail(MethodView):
    @blp.response(200, DepartmentSchema)
    @requires("org.departments.view")
    def get(self, department_id):
        """One department."""
        return call("org", "get_department", department_id)

    @blp.arguments(DepartmentPatchSchema)
    @blp.response(200, DepartmentSchema)
    @requires("org.departments.manage")
    def patch(self, data, department_id):
        """Rename, recode (409 `DEPARTMENT_CODE_TAKEN`) or move a department (`parent_id`; null makes it a root).
        A move under itself or one of its descendants is 422 `DEPARTMENT_CYCLE`. A move changes what every
        department-tree data scope above it covers, from the next request on. Audited with before and after."""
        result = call("org", "update_department", department_id, data)
        current_app.extensions["carloan"].principals.drop()
        return result


@blp.route("/positions")
class Positions(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(PositionSchema))
    @requires("org.positions.view")
    def get(self, args):
        """职务 Positions."""
        return call("org", "list_positions", args["page"], args["page_size"])

    @blp.arguments(PositionSchema)
    @blp.response(201, PositionSchema)
    @requires("org.positions.manage")
    def post(self, data):
        """Create a position."""
        return call("org", "create_position", data)


@blp.route("/positions/<position_id>")
class PositionDetail(MethodView):
    @blp.arguments(PositionPatchSchema)
    @blp.response(200, PositionSchema)
    @requires("org.positions.manage")
    def patch(self, data, position_id):
        """Rename a position (its code stays). Audited with before and after."""
        return call("org", "update_position", position_id, data)


@blp.route("/permissions")
class Permissions(MethodView):
    @blp.response(200, PermissionSchema(many=True))
    @requires("org.roles.view")
    def get(self):
        """权限目录 The permission catalogue."""
        return call("org", "list_permissions")


@blp.route("/roles")
class Roles(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(RoleSchema))
    @requires("org.roles.view")
    def get(self, args):
        """角色 Roles with their permissions and data scope."""
        return call("org", "list_roles", args["page"], args["page_size"])

    @blp.arguments(RoleSchema)
    @blp.response(201, RoleSchema)
    @requires("org.roles.manage")
    def post(self, data):
        """Create a role: a set of permissions and a data scope."""
        return call("org", "create_role", data)


@blp.route("/roles/<role_id>")
class RoleDetail(MethodView):
    @blp.arguments(RolePatchSchema)
    @blp.response(200, RoleSchema)
    @requires("org.roles.manage")
    def patch(self, data, role_id):
        """Change a role's name, permissions or data scope."""
        result = call("org", "update_role", role_id, data)
        current_app.extensions["carloan"].principals.drop()
        return result


@blp.route("/employees")
class Employees(MethodView):
    @blp.arguments(EmployeeListArgs, location="query")
    @blp.response(200, page_of(EmployeeSchema))
    @requires("org.employees.view")
    def get(self, args):
        """员工 Employees within the caller's data scope."""
        return call("org", "list_employees", args["page"], args["page_size"],
                    department_id=args.get("department_id"), status=args.get("status"))

    @blp.arguments(EmployeeSchema)
    @blp.response(201, EmployeeSchema)
    @requires("org.employees.manage")
    def post(self, data):
        """Create an employee with a login account."""
        return call("org", "create_employee", data)


@blp.route("/employees/<employee_id>")
class EmployeeDetail(MethodView):
    @blp.arguments(EmployeeGetArgs, location="query")
    @blp.response(200, EmployeeSchema)
    @requires("org.employees.view")
    def get(self, args, employee_id):
        """One employee (404 outside the caller's data scope); `?unmask=true` shows the whole phone number to
        holders of `org.employees.unmask` and is audited."""
        return call("org", "get_employee", employee_id, unmask=args["unmask"])

    @blp.arguments(EmployeePatchSchema)
    @blp.response(200, EmployeeSchema)
    @requires("org.employees.manage")
    def patch(self, data, employee_id):
        """Change an employee; a new password is a reset (revokes their tokens, and they must change it at next
        login). Only someone holding every permission the employee holds, a data scope as wide and their
        department may change them (403 `EMPLOYEE_EXCEEDS_OWN`)."""
        result = call("org", "update_employee", employee_id, data)
        current_app.extensions["carloan"].principals.drop(employee_id)
        return result


@blp.route("/employees/<employee_id>/disable")
class EmployeeDisable(MethodView):
    @blp.response(200, EmployeeSchema)
    @requires("org.employees.manage")
    def post(self, employee_id):
        """Disable an employee: they cannot log in and their tokens stop working at once (403
        `EMPLOYEE_EXCEEDS_OWN` if they hold what the caller does not)."""
        result = call("org", "disable_employee", employee_id)
        current_app.extensions["carloan"].principals.drop(employee_id)
        return result


@blp.route("/employees/<employee_id>/enable")
class EmployeeEnable(MethodView):
    @blp.response(200, EmployeeSchema)
    @requires("org.employees.manage")
    def post(self, employee_id):
        """Enable a disabled employee again: they may log in (their older tokens stay revoked)."""
        result = call("org", "enable_employee", employee_id)
        current_app.extensions["carloan"].principals.drop(employee_id)
        return result
