"""The actor and correlation id that travel with every call and event (Nameko context data)."""
import threading
import uuid
from dataclasses import asdict, dataclass

ACTOR_KEY = "actor"
CORRELATION_KEY = "correlation_id"

_local = threading.local()  # green-local under eventlet's monkey patching


@dataclass(frozen=True)
class Actor:
    """Who is acting: an employee authenticated by the gateway, or a service acting on an event."""
    user_id: str
    username: str
    department_id: str | None = None
    data_scope: str = "own"
    roles: tuple = ()
    permissions: tuple = ()
    # Departments visible under the data scope; None means every department (scope `all`).
    department_ids: tuple | None = ()

    @classmethod
    def system(cls, service_name):
        return cls(user_id=f"system:{service_name}", username=f"system:{service_name}",
                   data_scope="all", department_ids=None)

    @classmethod
    def from_dict(cls, data):
        if not data:
            return None
        ids = data.get("department_ids")
        return cls(
            user_id=data["user_id"],
            username=data.get("username", data["user_id"]),
            department_id=data.get("department_id"),
            data_scope=data.get("data_scope", "own"),
            roles=tuple(data.get("roles", ())),
            permissions=tuple(data.get("permissions", ())),
            department_ids=None if ids is None else tuple(ids),
        )

    def to_dict(self):
        data = asdict(self)
        data["roles"] = list(self.roles)
        data["permissions"] = list(self.permissions)
        data["department_ids"] = None if self.department_ids is None else list(self.department_ids)
        return data

    def has(self, permission):
        return permission in self.permissions

    def can_see(self, owner_id=None, department_id=None):
        """Data scope: may this actor see an object owned by `owner_id` in `department_id`?"""
        if self.department_ids is None:
            return True
        if self.data_scope == "own":
            return owner_id == self.user_id
        return department_id in self.department_ids or owner_id == self.user_id


def new_correlation_id():
    return uuid.uuid4().hex


def bind(correlation_id=None):
    """Make the correlation id of the current (green) thread's work visible to its log lines."""
    _local.correlation_id = correlation_id


def current_correlation_id():
    return getattr(_local, "correlation_id", None)


def from_worker(worker_ctx, service_name):
    """Read actor and correlation id from a Nameko worker's context data."""
    data = worker_ctx.data or {}
    actor = Actor.from_dict(data.get(ACTOR_KEY)) or Actor.system(service_name)
    correlation_id = data.get(CORRELATION_KEY) or new_correlation_id()
    return actor, correlation_id
