"""An in-memory unit of work for use-case tests (cosmicpython's FakeUnitOfWork, on this project's terms).

A use case takes the service's unit of work (`services.common.db.Unit`: `session`, `actor`, `emit`, `audit`) and
validated input. Here the unit is the real one on an in-memory SQLite database of the service's own tables, with
no broker and no Nameko worker: what the use case stored is read back from `uow.session`, the events it emitted
from `uow.events(type)`, what it audited from `uow.audits()`. `commit()` commits as the entrypoint would; a test
of a refusal checks that nothing was written by looking at the session after `rollback()`."""
import json

from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from services.common.context import Actor
from services.common.db import Unit


class _Provider:
    """What a Unit asks of its UnitOfWork provider: the service's name and tables, and who hears of a commit."""

    def __init__(self, service_name, metadata):
        self.service_name, self.metadata, self.commits = service_name, metadata, 0

    def committed(self, unit):
        self.commits += 1


def actor(user_id="u-1", *, roles=(), permissions=(), department_id="d-1", data_scope="all", username=None):
    """An employee as the gateway would pass them: every department visible unless `data_scope` says otherwise."""
    return Actor(user_id=user_id, username=username or user_id, department_id=department_id, data_scope=data_scope,
                 roles=tuple(roles), permissions=tuple(permissions),
                 department_ids=None if data_scope == "all" else (department_id,))


class FakeUnitOfWork(Unit):
    def __init__(self, service_name, metadata, acting=None):
        engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
        metadata.create_all(engine)
        super().__init__(_Provider(service_name, metadata), sessionmaker(bind=engine, expire_on_commit=False)(),
                         acting or actor(), "test-correlation")

    def as_(self, acting):
        """The same database, another caller (maker and checker are two people)."""
        self.actor = acting
        return self

    def events(self, event_type=None):
        """The payloads of the events emitted so far (of `event_type`, e.g. "loan.disbursed", if given)."""
        return [e["payload"] for e in self.emitted if event_type is None or e["type"] == event_type]

    def audits(self, action=None):
        """(action, target_type, target_id, changes) of the audit records written so far."""
        table = self.tables["audit_log"]
        rows = self.session.execute(select(table.c.action, table.c.target_type, table.c.target_id, table.c.changes)
                                    .order_by(table.c.id)).all()
        return [(a, t, i, json.loads(c)) for a, t, i, c in rows if action is None or a == action]

    def commit(self):
        super().commit()
        self.finished = False  # a test goes on with the next use case on the same unit


class FakeService:
    """Another service's RPC proxy as `services.common.ask` calls it (`proxy.method.call_async(...).result()`):
    `FakeService("customer", may_borrow=lambda customer_id: {...})`; what it was asked stays in `asked`."""

    def __init__(self, service_name, **methods):
        self.service_name, self._methods, self.asked = service_name, methods, []

    def __getattr__(self, method):
        if method.startswith("_") or method not in self._methods:
            raise AttributeError(method)
        answer, asked = self._methods[method], self.asked

        class Call:
            @staticmethod
            def call_async(*args, **kwargs):
                asked.append((method, args, kwargs))
                result = answer(*args, **kwargs)
                return type("Reply", (), {"result": staticmethod(lambda: result)})
        return Call


# A document service with nothing on file: a stage whose product lists no documents never asks it.
NO_DOCUMENTS = FakeService("document", categories_on_file=lambda owners: [
    {**owner, "categories": []} for owner in owners])
