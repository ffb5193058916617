"""What every service class has: entrypoint metrics and a `ping` RPC for readiness checks."""
from services.common.metrics import EntrypointMetrics
from services.common.rpc import rpc


class ServiceBase:
    metrics = EntrypointMetrics()

    @rpc
    def ping(self):
        return {"service": self.name, "ok": True}
