"""Organisation rules: the permission catalogue, built-in roles, data scopes, who may change whom, password
strength, login throttling."""
import datetime as dt
import functools
import string
from dataclasses import dataclass
from pathlib import Path

from services.common.states import Lifecycle
from services.org.contract import DATA_SCOPES

# The permission catalogue (权限目录): code -> label. Routes in the gateway name these codes.
PERMISSIONS = {
    "org.departments.view": "查看部门",
    "org.departments.manage": "管理部门",
    "org.positions.view": "查看职务",
    "org.positions.manage": "管理职务",
    "org.roles.view": "查看角色与权限",
    "org.roles.manage": "管理角色与权限",
    "org.employees.view": "查看员工",
    "org.employees.manage": "管理员工",
    "org.employees.unmask": "查看员工完整手机号",
    "customer.view": "查看客户",
    "customer.manage": "新建/编辑客户",
    "customer.unmask": "查看完整个人信息",
    "customer.identity.correct": "更正客户证件号码",
    "blacklist.view": "查看黑名单",
    "blacklist.manage": "管理黑名单",
    "loan.product.manage": "管理贷款产品",
    "loan.lpr.manage": "维护LPR利率表",
    "loan.calculate": "使用还款计算器",
    "loan.view": "查看贷款",
    "loan.apply": "提交贷款申请",
    "loan.investigate": "贷前调查",
    "loan.approve.first": "一级审批",
    "loan.approve.second": "二级审批",
    "loan.contract.sign": "签约",
    "loan.credit_line.manage": "授信申请",
    "loan.credit_line.approve": "授信审批",
    "loan.disbursement.register": "放款登记",
    "loan.disbursement.review": "放款复核",
    "loan.repayment.record": "还款登记",
    "loan.repayment.reverse": "申请还款冲正",
    "loan.repayment.reverse.approve": "还款冲正复核",
    "loan.servicing.request": "展期/提前还款/债务转让申请",
    "loan.servicing.approve": "展期/债务转让审批",
    "loan.cob.run": "日终批处理",
    "collateral.view": "查看抵押物",
    "collateral.vehicle.manage": "管理车辆",
    "collateral.valuation.submit": "车辆评估",
    "collateral.valuation.review": "评估复核",
    "collateral.task.complete": "抵押/GPS/解押办理",
    "collateral.gps.alert": "GPS告警接入",
    "finance.view": "查看财务",
    "finance.export": "导出报表",
    "finance.manage": "维护科目与银行账户、计提拨备",
    "finance.journal.reverse": "红字冲销凭证",
    "collection.view": "查看贷后",
    "collection.task.work": "催收作业",
    "collection.task.assign": "催收分派",
    "collection.warning.resolve": "预警处理",
    "collection.classification.adjust": "五级分类调整申请",
    "collection.classification.approve": "五级分类调整审批",
    "document.view": "查看影像资料",
    "document.upload": "上传影像资料",
    "document.delete": "删除影像资料",
    "audit.view": "查看审计记录",
}



@dataclass(frozen=True)
class BuiltinRole:
    code: str
    name: str
    data_scope: str
    permissions: tuple


def _all_view():
    return tuple(code for code in PERMISSIONS if code.endswith(".view"))


BUILTIN_ROLES = (
    BuiltinRole("admin", "系统管理员", "all", tuple(PERMISSIONS)),
    BuiltinRole("loan_officer", "客户经理", "own", (
        "customer.view", "customer.manage", "blacklist.view", "loan.calculate", "loan.view",
        "loan.apply", "loan.contract.sign", "loan.credit_line.manage", "loan.servicing.request",
        "collateral.view", "collateral.vehicle.manage", "org.departments.view",
        "document.view", "document.upload", "document.delete")),
    BuiltinRole("risk_reviewer", "风控审核", "department_tree", (
        "customer.view", "blacklist.view", "blacklist.manage", "loan.calculate", "loan.view",
        "loan.investigate", "loan.approve.first", "loan.credit_line.approve", "collateral.view",
        "org.departments.view",
        "document.view", "document.upload")),
    BuiltinRole("approver", "审批人", "department_tree", (
        "customer.view", "blacklist.view", "loan.calculate", "loan.view", "loan.approve.second",
        "loan.credit_line.approve", "loan.servicing.approve", "collateral.view",
        "org.departments.view",
        "document.view")),
    BuiltinRole("appraiser", "评估师", "department_tree", (
        "customer.view", "collateral.view", "collateral.vehicle.manage",
        "collateral.valuation.submit", "collateral.valuation.review", "org.departments.view",
        "document.view", "document.upload")),
    BuiltinRole("finance_clerk", "财务", "all", (
        "customer.view", "loan.view", "loan.disbursement.register", "loan.repayment.record", "loan.repayment.reverse",
        "finance.view", "finance.export", "org.departments.view",
        "document.view", "document.upload")),
    BuiltinRole("finance_reviewer", "财务复核", "all", (
        "customer.view", "loan.view", "loan.disbursement.review", "finance.view", "finance.export",
        "finance.manage", "finance.journal.reverse", "loan.repayment.reverse.approve",
        "org.departments.view",
        "document.view")),
    BuiltinRole("collateral_clerk", "抵押/GPS", "department_tree", (
        "customer.view", "loan.view", "collateral.view", "collateral.task.complete", "collateral.gps.alert",
        "org.departments.view",
        "document.view", "document.upload", "document.delete")),
    BuiltinRole("collector", "催收员", "own", (
        "customer.view", "loan.view", "collection.view", "collection.task.work",
        "org.departments.view",
        "document.view")),
    BuiltinRole("post_loan_manager", "贷后主管", "department_tree", (
        "customer.view", "loan.view", "collateral.view", "collection.view", "collection.task.work",
        "collection.task.assign", "collection.warning.resolve", "collection.classification.adjust",
        "collection.classification.approve", "org.departments.view", "org.employees.view",
        "document.view", "document.upload")),
    BuiltinRole("auditor", "只读审计", "all", _all_view()),
    # For the GPS platform's service account: it reports alerts and nothing else.
    BuiltinRole("gps_platform", "GPS平台接口", "all", ("collateral.gps.alert",)),
)


def unknown_permissions(codes):
    return sorted(set(codes) - set(PERMISSIONS))


def beyond_grant(granter_permissions, granter_scope, permissions, scope=None):
    """What a grant would hand out that the granter does not hold themselves (no privilege escalation):
    permissions outside their own, or a data scope wider than theirs."""
    excess = sorted(set(permissions) - set(granter_permissions))
    if scope is not None and DATA_SCOPES.index(scope) > DATA_SCOPES.index(granter_scope):
        excess.append(f"data_scope:{scope}")
    return excess


def beyond_reach(actor_permissions, actor_scope, actor_departments, permissions, scope, department_id):
    """What makes an employee (holding `permissions` with data `scope`, in `department_id`) out of an actor's
    reach: resetting their password, disabling or changing them would let the actor act with more than they hold.
    `actor_departments` is the set the actor's scope covers (None: every department)."""
    excess = beyond_grant(actor_permissions, actor_scope, permissions, scope)
    if actor_departments is not None and department_id not in actor_departments:
        excess.append(f"department:{department_id}")
    return excess


def widest_scope(scopes):
    """An employee with several roles sees what the widest of them allows."""
    scopes = set(scopes)
    ranked = [s for s in DATA_SCOPES if s in scopes]
    return ranked[-1] if ranked else "own"


def visible_departments(scope, department_id, parent_of):
    """Departments whose objects an employee may see; None means all.

    `parent_of` maps each department id to its parent id (None at the root).
    """
    if scope == "all":
        return None
    if scope == "own" or department_id is None:
        return frozenset({department_id}) if department_id else frozenset()
    if scope == "department":
        return frozenset({department_id})
    children = {}
    for child, parent in parent_of.items():
        children.setdefault(parent, []).append(child)
    seen, stack = set(), [department_id]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(children.get(current, ()))
    return frozenset(seen)


@dataclass(frozen=True)
class Access:
    """What an employee's roles give them: their permissions (sorted), the widest of their data scopes, and the
    departments that scope lets them see (None: every department)."""
    permissions: tuple
    data_scope: str
    department_ids: frozenset | None


def held(roles):
    """(permissions, widest data scope) an employee holds through `roles`."""
    return ({p for role in roles for p in role.permission_codes}, widest_scope(role.data_scope for role in roles))


def access(roles, department_id, parent_of):
    """The Access of an employee of `department_id` holding `roles`; `parent_of` as visible_departments takes it."""
    permissions, scope = held(roles)
    return Access(tuple(sorted(permissions)), scope, visible_departments(scope, department_id, parent_of))


def move_problem(department_id, new_parent_id, parent_of):
    """Why a department may not be put under `new_parent_id`, or None: not under itself, nor under one of its own
    descendants (the tree would become a cycle, and no data scope could be computed). `parent_of` maps each
    department id to its parent id (None at a root); None as the new parent makes the department a root."""
    if new_parent_id is None:
        return None
    if new_parent_id == department_id:
        return "a department cannot be its own parent"
    seen, current = set(), new_parent_id
    while current is not None and current not in seen:
        if current == department_id:
            return "the new parent lies under this department: the tree would become a cycle"
        seen.add(current)
        current = parent_of.get(current)
    return None


PASSWORD_MIN_LENGTH = 10
PASSWORD_MIN_CLASSES = 3  # of: lower-case letters, upper-case letters, digits, anything else
_TRIM = string.digits + string.punctuation + " "


@functools.cache
def common_passwords():
    path = Path(__file__).with_name("common_passwords.txt")
    lines = (line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problem(password, username=None):
    """Why a password is too weak for a staff account, or None: at least 10 characters of at least three kinds,
    not containing the username, and not a common password (nor one with digits or symbols added around it)."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"use at least {PASSWORD_MIN_LENGTH} characters"
    classes = sum((any(c.islower() for c in password), any(c.isupper() for c in password),
                   any(c.isdigit() for c in password), any(not c.isalnum() for c in password)))
    if classes < PASSWORD_MIN_CLASSES:
        return "mix at least three of: lower-case letters, upper-case letters, digits, symbols"
    lowered = password.lower()
    if username and len(username) >= 3 and username.lower() in lowered:
        return "must not contain the username"
    if {lowered, lowered.strip(_TRIM), lowered.rstrip(_TRIM), lowered.lstrip(_TRIM)} & common_passwords():
        return "too common: choose a password that is not on lists of common passwords"
    return None


@dataclass(frozen=True)
class LoginPolicy:
    """`max_failures` within `window` lock for `lockout`; with `max_lockout`, each further failure doubles the
    lockout up to it (a back-off)."""
    max_failures: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)
    max_lockout: dt.timedelta | None = None

    def lockout_after(self, failures):
        if failures < self.max_failures:
            return None
        if self.max_lockout is None:
            return self.lockout
        doublings = min(failures - self.max_failures, 20)
        return min(self.lockout * 2 ** doublings, self.max_lockout)


# Failed logins are counted three ways (every count shared by all gateway replicas through the org database):
# - one address trying one username: a guesser is locked out of that account, and only from there;
PER_ADDRESS_AND_USERNAME = LoginPolicy(max_failures=5)
# - one address over any usernames: spraying one password over many accounts is stopped;
PER_ADDRESS = LoginPolicy(max_failures=20)
# - one username from any address: a distributed guess slows down (1 minute, doubling to 15), but a few failures
#   elsewhere never lock the real user out.
PER_USERNAME = LoginPolicy(max_failures=10, window=dt.timedelta(hours=1), lockout=dt.timedelta(minutes=1),
                           max_lockout=dt.timedelta(minutes=15))


def login_counters(address, username):
    """The throttle rows a login attempt counts against: key -> policy. An attempt whose address is unknown
    (not through the gateway) counts under `-`."""
    address = address or "-"
    return {f"pair:{address}|{username}": PER_ADDRESS_AND_USERNAME, f"address:{address}": PER_ADDRESS,
            f"user:{username}": PER_USERNAME}


@dataclass(frozen=True)
class LoginThrottle:
    """Failed logins of one username (known or not) in the current window."""
    failures: int = 0
    window_started_at: dt.datetime | None = None
    locked_until: dt.datetime | None = None

    def locked(self, now):
        return self.locked_until is not None and now < self.locked_until

    def after_failure(self, now, policy=LoginPolicy()):
        if self.window_started_at is None or now - self.window_started_at > policy.window:
            failures, started = 1, now
        else:
            failures, started = self.failures + 1, self.window_started_at
        lockout = policy.lockout_after(failures)
        return LoginThrottle(failures, started, now + lockout if lockout else None)


# -- lifecycles (services.common.states) --------------------------------------------------------------------
EMPLOYEE = Lifecycle("employee", {"disabled": ("active",), "active": ("disabled",)})
