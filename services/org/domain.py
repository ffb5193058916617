"""Organisation rules: the permission catalogue, built-in roles, data scopes, login throttling."""
import datetime as dt
from dataclasses import dataclass

# The permission catalogue (權(quán)限目錄): code -> label. Routes in the gateway name these codes.
PERMISSIONS = {
    "org.departments.view": "查看部門",
    "org.departments.manage": "管理部門",
    "org.positions.view": "查看職務(wù)",
    "org.positions.manage": "管理職務(wù)",
    "org.roles.view": "查看角色與權(quán)限",
    "org.roles.manage": "管理角色與權(quán)限",
    "org.employees.view": "查看員工",
    "org.employees.manage": "管理員工",
    "customer.view": "查看客戶",
    "customer.manage": "新建/編輯客戶",
    "customer.unmask": "查看完整個人信息",
    "blacklist.view": "查看黑名單",
    "blacklist.manage": "管理黑名單",
    "loan.product.manage": "管理貸款產(chǎn)品",
    "loan.lpr.manage": "維護LPR利率表",
    "loan.calculate": "使用還款計算器",
    "loan.view": "查看貸款",
    "loan.apply": "提交貸款申請",
    "loan.investigate": "貸前調(diào)查",
    "loan.approve.first": "一級審批",
    "loan.approve.second": "二級審批",
    "loan.contract.sign": "簽約",
    "loan.credit_line.manage": "授信申請",
    "loan.credit_line.approve": "授信審批",
    "loan.disbursement.register": "放款登記",
    "loan.disbursement.review": "放款復(fù)核",
    "loan.repayment.record": "還款登記",
    "loan.repayment.reverse": "申请还款冲正",
    "loan.repayment.reverse.approve": "还款冲正复核",
    "loan.servicing.request": "展期/提前還款/債務(wù)轉(zhuǎn)讓申請",
    "loan.servicing.approve": "展期/債務(wù)轉(zhuǎn)讓審批",
    "loan.cob.run": "日終批處理",
    "collateral.view": "查看抵押物",
    "collateral.vehicle.manage": "管理車輛",
    "collateral.valuation.submit": "車輛評估",
    "collateral.valuation.review": "評估復(fù)核",
    "collateral.task.complete": "抵押/GPS/解押辦理",
    "collateral.gps.alert": "GPS告警接入",
    "finance.view": "查看財務(wù)",
    "finance.export": "導(dǎo)出報表",
    "finance.manage": "維護科目與銀行賬戶、計提撥備",
    "finance.journal.reverse": "紅字沖銷憑證",
    "collection.view": "查看貸后",
    "collection.task.work": "催收作業(yè)",
    "collection.task.assign": "催收分派",
    "collection.warning.resolve": "預(yù)警處理",
    "collection.classification.adjust": "五級分類調(diào)整申請",
    "collection.classification.approve": "五級分類調(diào)整審批",
    "audit.view": "查看審計記錄",
}

DATA_SCOPES = ("own", "department", "department_tree", "all")


@dataclass(frozen=True)
class BuiltinRole:
    code: str
    name: str
    data_scope: str
    permissions: tuple


def _all_view():
    return tuple(code for code in PERMISSIONS if code.endswith(".view"))


BUILTIN_ROLES = (
    BuiltinRole("admin", "系統(tǒng)管理員", "all", tuple(PERMISSIONS)),
    BuiltinRole("loan_officer", "客戶經(jīng)理", "own", (
        "customer.view", "customer.manage", "blacklist.view", "loan.calculate", "loan.view",
        "loan.apply", "loan.contract.sign", "loan.credit_line.manage", "loan.servicing.request",
        "collateral.view", "collateral.vehicle.manage", "org.departments.view")),
    BuiltinRole("risk_reviewer", "風(fēng)控審核", "department_tree", (
        "customer.view", "blacklist.view", "blacklist.manage", "loan.calculate", "loan.view",
        "loan.investigate", "loan.approve.first", "loan.credit_line.approve", "collateral.view",
        "org.departments.view")),
    BuiltinRole("approver", "審批人", "department_tree", (
        "customer.view", "blacklist.view", "loan.calculate", "loan.view", "loan.approve.second",
        "loan.credit_line.approve", "loan.servicing.approve", "collateral.view",
        "org.departments.view")),
    BuiltinRole("appraiser", "評估師", "department_tree", (
        "customer.view", "collateral.view", "collateral.vehicle.manage",
        "collateral.valuation.submit", "collateral.valuation.review", "org.departments.view")),
    BuiltinRole("finance_clerk", "財務(wù)", "all", (
        "customer.view", "loan.view", "loan.disbursement.register", "loan.repayment.record", "loan.repayment.reverse",
        "finance.view", "finance.export", "org.departments.view")),
    BuiltinRole("finance_reviewer", "財務(wù)復(fù)核", "all", (
        "customer.view", "loan.view", "loan.disbursement.review", "finance.view", "finance.export",
        "finance.manage", "finance.journal.reverse", "loan.repayment.reverse.approve",
        "org.departments.view")),
    BuiltinRole("collateral_clerk", "抵押/GPS", "department_tree", (
        "customer.view", "loan.view", "collateral.view", "collateral.task.complete", "collateral.gps.alert",
        "org.departments.view")),
    BuiltinRole("collector", "催收員", "own", (
        "customer.view", "loan.view", "collection.view", "collection.task.work",
        "org.departments.view")),
    BuiltinRole("post_loan_manager", "貸后主管", "department_tree", (
        "customer.view", "loan.view", "collateral.view", "collection.view", "collection.task.work",
        "collection.task.assign", "collection.warning.resolve", "collection.classification.adjust",
        "collection.classification.approve", "org.departments.view", "org.employees.view")),
    BuiltinRole("auditor", "只讀審計", "all", _all_view()),
    # For the GPS platform's service account: it reports alerts and nothing else.
    BuiltinRole("gps_platform", "GPS平臺接口", "all", ("collateral.gps.alert",)),
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
class LoginPolicy:
    max_failures: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)


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
        locked_until = now + policy.lockout if failures >= policy.max_failures else None
        return LoginThrottle(failures, started, locked_until)
