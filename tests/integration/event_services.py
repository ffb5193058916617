"""Two small services that exercise the plumbing: `writer` changes data and emits, `reader` applies."""
from sqlalchemy import Column, Integer, MetaData, PrimaryKeyConstraint, String, Table, create_engine, func, insert, select

from services.common.consumer import subscribe
from services.common.db import UnitOfWork
from services.common.errors import RuleViolated
from services.common.rpc import rpc
from services.common.service import ServiceBase
from services.common.tables import add_plumbing_tables

writer_metadata = add_plumbing_tables(MetaData())
note = Table("note", writer_metadata, Column("id", Integer, primary_key=True, autoincrement=True),
             Column("n", Integer, nullable=False))

writer_claim = Table("claim", writer_metadata, Column("key", String(20), nullable=False),
                     PrimaryKeyConstraint("key", deferrable=True, initially="DEFERRED"))

reader_metadata = add_plumbing_tables(MetaData())
# Checked at commit (deferred), like a conflict the ORM only meets when it flushes.
claim = Table("claim", reader_metadata, Column("key", String(20), nullable=False),
              PrimaryKeyConstraint("key", deferrable=True, initially="DEFERRED"))
applied = Table("applied", reader_metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                Column("event_id", String(36), nullable=False), Column("n", Integer, nullable=False))


class Writer(ServiceBase):
    name = "writer"
    uow = UnitOfWork(writer_metadata)

    @rpc
    def write(self, n, fail=False):
        self.uow.session.execute(insert(note).values(n=n))
        self.uow.emit("noted", {"n": n})
        if fail:
            raise RuleViolated("refused after writing", code="REFUSED")
        return n

    @rpc
    def claim(self, key):
        """Fails only at commit when the key is taken (a deferred constraint)."""
        self.uow.session.execute(insert(writer_claim).values(key=key))
        self.uow.emit("claimed", {"key": key})
        return key

    @rpc
    def write_many(self, start, count):
        for n in range(start, start + count):
            self.uow.session.execute(insert(note).values(n=n))
            self.uow.emit("noted", {"n": n})
        return count


# Tests switch this off to show that a parked event, once its cause is fixed, can be replayed.
POISON_FAILS = {"enabled": True}


class Reader(ServiceBase):
    name = "reader"
    uow = UnitOfWork(reader_metadata)

    @subscribe("writer.noted")
    def on_noted(self, event):
        if event.payload.get("poison") and POISON_FAILS["enabled"]:
            raise ValueError("this event can never be applied")
        if event.payload.get("claim"):
            self.uow.session.execute(insert(claim).values(key=event.payload["claim"]))
        self.uow.session.execute(insert(applied).values(event_id=event.event_id, n=event.payload["n"]))


def create_schema(metadata, url):
    engine = create_engine(url)
    metadata.create_all(engine)
    engine.dispose()


def applied_counts(url):
    """(rows, distinct event ids) applied by the reader."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(applied)).scalar_one()
        distinct = conn.execute(select(func.count(func.distinct(applied.c.event_id)))).scalar_one()
    engine.dispose()
    return rows, distinct


def applied_numbers(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        numbers = sorted(conn.execute(select(applied.c.n)).scalars())
    engine.dispose()
    return numbers
