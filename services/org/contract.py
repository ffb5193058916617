"""What the org service's callers may rely on, framework-free: the data scopes (数据权限) a role can hold, narrowest
first. The gateway's schemas enumerate these (gateway/schemas/common.py)."""

DATA_SCOPES = ("own", "department", "department_tree", "all")
