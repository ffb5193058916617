"""The collection service's Prometheus figures: open tasks by stage, promises to pay by outcome, open warnings by
kind, active loans and their balance by five-level grade (set by `usecases/operations.py` and
`usecases/tasks.py`)."""
from prometheus_client import Counter, Gauge

OPEN_TASKS = Gauge("carloan_collection_tasks_open", "Open collection tasks by stage", ["stage"])
PROMISES = Counter("carloan_collection_promises_total", "Promises to pay that came due, by outcome", ["outcome"])
OPEN_WARNINGS = Gauge("carloan_collection_warnings_open", "Open early warnings by kind", ["kind"])
GRADED_LOANS = Gauge("carloan_collection_loans", "Active loans by five-level grade", ["grade"])
GRADED_BALANCE = Gauge("carloan_collection_outstanding_yuan", "Outstanding principal by five-level grade", ["grade"])
