"""What every service class has: entrypoint metrics, the outbox relay and audit sealer beside its unit of work
(which each service declares as `uow = UnitOfWork(Base.metadata)`), a `ping` RPC for readiness checks, and its
audit log."""
from services.common import audit
from services.common.metrics import EntrypointMetrics
from services.common.relay import Relays
from services.common.rpc import rpc


class ServiceBase:
    metrics = EntrypointMetrics()
    relays = Relays()

    @rpc(services=("gateway",))
    def ping(self):
        return {"service": self.name, "ok": True}

    @rpc
    def list_audit(self, filters=None, limit=20):
        """This service's newest `limit` audit records matching `filters` (actor, action, entity_type, entity_id,
        time_from, time_to) and how many match: the gateway merges every service's (permission `audit.view`)."""
        return audit.read(self.uow, self.name, filters, limit)
