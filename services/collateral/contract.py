"""What the collateral service's callers may rely on, framework-free: the statuses of its tasks (GPS, mortgage,
release), with their Chinese labels. The gateway's schemas enumerate these (gateway/schemas/collateral.py)."""

TASK_STATUSES = {"open": "待办", "completed": "已完成", "cancelled": "已取消"}
