"""The org service's use cases, one module per business area: `auth` (logins and their throttling, one's own
password change, the principal the gateway caches, the refusals it records), `departments` (the tree of
departments), `positions`, `roles` (the permission catalogue and the roles granting it) and `employees` (staff
accounts, their roles, department and status). `checks` holds the guards several areas share. Each use case is a
function `verb_noun(uow, ...)` over the worker's unit of work that returns model objects or domain values; the
entrypoints in services/org/service.py format them with services/org/views.py."""
