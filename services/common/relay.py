"""What a service runs beside its requests: the outbox relay (events to the broker, with publisher confirms), the
audit sealer (the hash chain of the audit log), and after each relay pass the gauges of what is still waiting
(outbox backlog, unroutable and parked events).

Declared once, in `services.common.service.ServiceBase`; it works on the database of the service's own
`uow = UnitOfWork(Base.metadata)`.

A commit that emitted events wakes the relay at once, one that wrote audit records the sealer; otherwise each
polls (`CARLOAN_OUTBOX_POLL_SECONDS`, `CARLOAN_AUDIT_SEAL_SECONDS`)."""
from nameko.extensions import DependencyProvider

from services.common import config, metrics, parked
from services.common.audit import AuditSealer
from services.common.db import UnitOfWork
from services.common.outbox import OutboxRelay, RelayLoop


class Relays(DependencyProvider):
    """The background loops of one service, on the database of the service's `UnitOfWork`."""

    def __init__(self, run=True):
        self.run = run
        self.relay = None
        self._relay_loop = None
        self._sealer_loop = None

    def start(self):
        # Every extension's setup() has run before any start(): the unit of work's engine exists by now.
        uow = self._unit_of_work()
        self.service_name, self.engine, self.metadata = uow.service_name, uow.engine, uow.metadata
        self.relay = OutboxRelay(self.engine, self.metadata.tables["outbox"], self.service_name,
                                 self.container.config["AMQP_URI"])
        self._relay_loop = RelayLoop(self.relay, after_pass=self._refresh_gauges)
        self._sealer_loop = RelayLoop(AuditSealer(self.engine, self.metadata.tables["audit_log"]),
                                      name="audit sealer",
                                      poll_interval=config.env_float("CARLOAN_AUDIT_SEAL_SECONDS", 1.0))
        uow.on_commit(self._committed)
        if self.run:
            self.container.spawn_managed_thread(self._relay_loop.run, identifier="outbox-relay")
            self.container.spawn_managed_thread(self._sealer_loop.run, identifier="audit-sealer")

    def _unit_of_work(self):
        found = [d for d in self.container.dependencies if isinstance(d, UnitOfWork)]
        if len(found) != 1:
            raise RuntimeError(f"{self.container.service_name}: Relays needs exactly one UnitOfWork, found "
                               f"{len(found)}")
        return found[0]

    def _committed(self, unit):
        if unit.emitted:
            self._relay_loop.wake()
        if unit.audited:
            self._sealer_loop.wake()

    def _refresh_gauges(self):
        unsent, unroutable = self.relay.backlog()
        metrics.OUTBOX_BACKLOG.labels(self.service_name).set(unsent)
        metrics.OUTBOX_UNROUTABLE.labels(self.service_name).set(unroutable)
        metrics.PARKED_EVENTS.labels(self.service_name).set(parked.count(self.engine, self.metadata))

    def stop(self):
        if self._relay_loop is not None:
            self._relay_loop.stop()
            self._sealer_loop.stop()
            self.relay.close()

    def kill(self):
        self.stop()
