"""What every service class has: entrypoint metrics, a `ping` RPC for readiness checks, and its audit log."""
from services.common import audit
from services.common.metrics import EntrypointMetrics
from services.common.rpc import rpc


class ServiceBase:
    metrics = EntrypointMetrics()

    @rpc(services=("gateway",))
    def ping(self):
        return {"service": self.name, "ok": True}

    @rpc
    def list_audit(self, filters=None, limit=20):
        """This service's newest `limit` audit records matching `filters` (actor, action, entity_type, entity_id,
        time_from, time_to) and how many match: the gateway merges every service's (permission `audit.view`)."""
        return audit.read(self.uow, self.name, filters, limit)
