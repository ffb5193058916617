"""The lifecycle of each thing the loan service keeps: which status follows which (services.common.states)."""
from services.common.states import Lifecycle

CREDIT_LINE = Lifecycle("credit_line", {"approved": ("pending",), "rejected": ("pending",)})
CREDIT_DRAW = Lifecycle("credit_draw", {"drawn": ("held",), "released": ("held",)})
APPLICATION = Lifecycle("application", {
    "investigated": ("submitted",),
    "pending_second_approval": ("investigated",),
    "approved": ("investigated", "pending_second_approval"),
    "rejected": ("investigated", "pending_second_approval"),
    "contracted": ("approved",),
})
LOAN = Lifecycle("loan", {"active": ("signed",), "settled": ("active",)})
DISBURSEMENT = Lifecycle("disbursement", {"approved": ("pending_review",), "rejected": ("pending_review",)})
REPAYMENT = Lifecycle("repayment", {"reversed": ("recorded",)})
REVERSAL = Lifecycle("reversal", {"approved": ("pending",), "rejected": ("pending",)})
TRANSFER = Lifecycle("transfer", {"approved": ("pending",), "rejected": ("pending",)})
EXTENSION = Lifecycle("extension", {"approved": ("pending",), "rejected": ("pending",)})
# A full early repayment settles the installments not yet touched; close of business moves the rest (cob.py).
INSTALLMENT = Lifecycle("installment", {"prepaid": ("pending",)})
# A run dies and is simply run again: running → running is a restart.
COB_RUN = Lifecycle("cob_run", {"running": ("queued", "running"), "done": ("running",)})
COB_PARTITION = Lifecycle("cob_partition", {"done": ("pending",)})
