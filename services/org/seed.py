"""First-start seeding: the built-in roles (`domain.BUILTIN_ROLES`), the head office, and the `admin` user."""
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common import config
from services.common.db import make_engine
from services.org import domain, passwords
from services.org.models import Department, Employee, Role, RolePermission

log = logging.getLogger(__name__)


def admin_password():
    """`CARLOAN_ADMIN_PASSWORD`; in development a random one kept in `<data dir>/admin-password`."""
    return config.secret("CARLOAN_ADMIN_PASSWORD", "admin-password", nbytes=12)


def seed(url):
    engine = make_engine(url, pool_size=0)
    with Session(engine) as session, session.begin():
        roles = {role.code: role for role in session.scalars(select(Role))}
        for builtin in domain.BUILTIN_ROLES:
            role = roles.get(builtin.code)
            if role is None:
                role = Role(code=builtin.code, name=builtin.name, data_scope=builtin.data_scope,
                            builtin=True, permissions=[RolePermission(permission=p) for p in builtin.permissions])
                session.add(role)
                roles[builtin.code] = role
                log.info("seeded role %s", builtin.code)
            elif builtin.code == "admin":
                missing = set(domain.PERMISSIONS) - set(role.permission_codes)
                role.permissions.extend(RolePermission(permission=p) for p in sorted(missing))
        head_office = session.scalars(select(Department).where(Department.code == "HQ")).first()
        if head_office is None:
            head_office = Department(code="HQ", name="总部")
            session.add(head_office)
            session.flush()
        if session.scalars(select(Employee).where(Employee.username == "admin")).first() is None:
            password = admin_password()
            problem = domain.password_problem(password, "admin")
            if problem and config.env("CARLOAN_ENV", "development") == "production":
                raise RuntimeError(f"CARLOAN_ADMIN_PASSWORD is too weak: {problem}")
            if problem:
                log.warning("CARLOAN_ADMIN_PASSWORD is too weak (%s): change it after the first login", problem)
            session.add(Employee(username="admin", name="系统管理员", department_id=head_office.id,
                                 password_hash=passwords.hash_password(password),
                                 roles=[roles["admin"]]))
            log.info("seeded the admin user")
    engine.dispose()
