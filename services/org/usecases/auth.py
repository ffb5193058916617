"""Authentication: a login (throttled per address and username, per address, per username), one's own password
change, the principal the gateway caches for a token, and the refusals the gateway records."""
import eventlet.tpool
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.common.clock import utcnow
from services.common.errors import RateLimited, Unauthenticated, field_error
from services.org import domain, events, passwords
from services.org.models import Department, Employee, LoginAttempt


def authenticate(uow, username, password, *, client_address=None):
    """Check a login: (employee, their domain.Access). A failure is counted on each of domain.login_counters and
    audited as the employee (or the name tried), and committed although the call raises."""
    session, now = uow.session, utcnow()
    username = (username or "").strip().lower()[:100]
    if "\x00" in username:
        raise Unauthenticated("wrong username or password", code="BAD_CREDENTIALS")
    counters = domain.login_counters(client_address, username)
    refuse_if_throttled(uow, counters, now)
    employee = session.scalars(select(Employee).where(Employee.username == username)).first()
    hashed = employee.password_hash if employee else passwords.DUMMY_HASH
    valid = eventlet.tpool.execute(passwords.verify_password, password or "", hashed)
    if not valid or employee is None or employee.status != "active":
        count_failure(uow, counters, now)
        uow.audit("login_failed", "employee", employee.id if employee else None,
                  {"username": username}, client_address=client_address,
                  actor=login_actor(employee) if employee else {"user_id": "anonymous",
                                                                 "username": username or "anonymous"})
        # The failure is recorded even though the call raises.
        uow.commit()
        raise Unauthenticated("wrong username or password", code="BAD_CREDENTIALS")
    # The owner got in: their account's counts start again (the address's own count stays).
    session.execute(delete(LoginAttempt).where(LoginAttempt.key.in_(
        [key for key in counters if not key.startswith("address:")])))
    uow.audit("login", "employee", employee.id, {"username": username}, client_address=client_address,
              actor=login_actor(employee))
    return employee, access_of(uow, employee)


def change_password(uow, data, *, client_address=None):
    """The acting employee replaces their own password, proving it is them with the current one (a wrong one
    counts as a failed login): (employee, Access). Their older tokens stop working."""
    session, now = uow.session, utcnow()
    employee = session.get(Employee, uow.actor.user_id)
    if employee is None or employee.status != "active":
        raise Unauthenticated("the account is disabled or unknown", code="ACCOUNT_DISABLED")
    counters = domain.login_counters(client_address, employee.username)
    refuse_if_throttled(uow, counters, now)
    if not eventlet.tpool.execute(passwords.verify_password, data["old_password"], employee.password_hash):
        count_failure(uow, counters, now)
        uow.audit("change_password_failed", "employee", employee.id, {}, client_address=client_address)
        uow.commit()  # the failure is counted even though the call raises
        raise field_error("old_password", "not your current password", code="WRONG_PASSWORD")
    problem = domain.password_problem(data["new_password"], employee.username)
    if problem is None and data["new_password"] == data["old_password"]:
        problem = "must differ from the current password"
    if problem:
        raise field_error("new_password", problem, code="PASSWORD_TOO_WEAK")
    forced = employee.must_change_password
    set_password(employee, data["new_password"], must_change=False)
    uow.audit("change_password", "employee", employee.id, {"was_forced": forced}, client_address=client_address)
    uow.emit(*events.employee_updated(employee))
    return employee, access_of(uow, employee)


def get_principal(uow, employee_id):
    """An active employee and their Access (what the gateway caches for a token); 401 for anyone else."""
    employee = uow.session.get(Employee, employee_id)
    if employee is None or employee.status != "active":
        raise Unauthenticated("the account is disabled or unknown", code="ACCOUNT_DISABLED")
    return employee, access_of(uow, employee)


def record_refusal(uow, record):
    """A refusal the gateway answered, audited as who was refused, from where, and what they asked for."""
    uow.audit("refused", record["entity_type"], record["entity_id"], record["changes"],
              actor=record["actor"], client_address=record["client_address"])


# -- helpers -------------------------------------------------------------------------------------------
def access_of(uow, employee):
    parent_of = dict(uow.session.execute(select(Department.id, Department.parent_id)).all())
    return domain.access(employee.roles, employee.department_id, parent_of)


def check_password_strength(field, password, username):
    problem = domain.password_problem(password, username)
    if problem:
        raise field_error(field, problem, code="PASSWORD_TOO_WEAK")


def set_password(employee, password, must_change):
    employee.password_hash = eventlet.tpool.execute(passwords.hash_password, password)
    employee.must_change_password = must_change
    employee.token_version += 1  # every older token stops working
    employee.updated_at = utcnow()


def login_actor(employee):
    return {"user_id": employee.id, "username": employee.username, "department_id": employee.department_id}


def refuse_if_throttled(uow, counters, now):
    session = uow.session
    locked = [attempt.locked_until for attempt in (session.get(LoginAttempt, key) for key in counters)
              if attempt is not None and _throttle(attempt).locked(now)]
    if locked:
        wait = int((max(locked) - now).total_seconds()) + 1
        raise RateLimited("too many failed logins; try again later", code="LOGIN_THROTTLED",
                          errors={"retry_after": [str(wait)]})


def count_failure(uow, counters, now):
    """One more failure on each counter, each row locked (in key order: no deadlock) while it is counted."""
    session = uow.session
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for key in sorted(counters):
        session.execute(insert(LoginAttempt.__table__).values(key=key, failures=0)
                        .on_conflict_do_nothing(index_elements=["key"]))
        attempt = session.get(LoginAttempt, key, with_for_update=True, populate_existing=True)
        throttle = _throttle(attempt).after_failure(now, counters[key])
        attempt.failures = throttle.failures
        attempt.window_started_at = throttle.window_started_at
        attempt.locked_until = throttle.locked_until


def _throttle(attempt):
    if attempt is None:
        return domain.LoginThrottle()
    return domain.LoginThrottle(attempt.failures, attempt.window_started_at, attempt.locked_until)
