"""Tables of the organisation service."""
from sqlalchemy import Boolean, Column, ForeignKey, Integer, MetaData, String, Table
from sqlalchemy.orm import DeclarativeBase, relationship

from services.common.clock import utcnow
from services.common.tables import UtcDateTime, add_plumbing_tables, new_id


class Base(DeclarativeBase):
    metadata = add_plumbing_tables(MetaData())


employee_role = Table(
    "employee_role", Base.metadata,
    Column("employee_id", String(36), ForeignKey("employee.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", String(36), ForeignKey("role.id"), primary_key=True),
)


class Department(Base):
    __tablename__ = "department"
    id = Column(String(36), primary_key=True, default=new_id)
    code = Column(String(50), nullable=False, unique=True)
    name = Column(String(100), nullable=False)
    parent_id = Column(String(36), ForeignKey("department.id"))
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class Position(Base):
    __tablename__ = "position"
    id = Column(String(36), primary_key=True, default=new_id)
    code = Column(String(50), nullable=False, unique=True)
    name = Column(String(100), nullable=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class Role(Base):
    __tablename__ = "role"
    id = Column(String(36), primary_key=True, default=new_id)
    code = Column(String(50), nullable=False, unique=True)
    name = Column(String(100), nullable=False)
    data_scope = Column(String(20), nullable=False)
    builtin = Column(Boolean, nullable=False, default=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    updated_at = Column(UtcDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
    permissions = relationship("RolePermission", cascade="all, delete-orphan", lazy="selectin",
                               order_by="RolePermission.permission")

    @property
    def permission_codes(self):
        return [p.permission for p in self.permissions]


class RolePermission(Base):
    __tablename__ = "role_permission"
    role_id = Column(String(36), ForeignKey("role.id", ondelete="CASCADE"), primary_key=True)
    permission = Column(String(80), primary_key=True)


class Employee(Base):
    __tablename__ = "employee"
    id = Column(String(36), primary_key=True, default=new_id)
    username = Column(String(50), nullable=False, unique=True)
    password_hash = Column(String(200), nullable=False)
    name = Column(String(100), nullable=False)
    # AES-256-GCM ciphertext (services/common/pii.py); answers show it masked.
    phone_enc = Column(String(200))
    department_id = Column(String(36), ForeignKey("department.id"))
    position_id = Column(String(36), ForeignKey("position.id"))
    status = Column(String(20), nullable=False, default="active")
    # Bumped when the employee is disabled or their password changes: older tokens stop working.
    token_version = Column(Integer, nullable=False, default=1)
    # Set when someone else set the password: until its owner changes it, the account may do nothing else.
    must_change_password = Column(Boolean, nullable=False, default=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    updated_at = Column(UtcDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
    disabled_at = Column(UtcDateTime())
    roles = relationship("Role", secondary=employee_role, lazy="selectin", order_by="Role.code")


class LoginAttempt(Base):
    """A failed-login count: per address and username, per address, per username (whether or not such an
    employee exists); `key` as domain.login_counters names it."""
    __tablename__ = "login_attempt"
    key = Column(String(200), primary_key=True)
    failures = Column(Integer, nullable=False, default=0)
    window_started_at = Column(UtcDateTime())
    locked_until = Column(UtcDateTime())
