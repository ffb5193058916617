"""The use cases of the collection service (贷后管理), one module per business area, each a plain function
`verb_noun(uow, data, *, dependencies)` over the worker's unit of work that returns model objects: `loan_file`
keeps the service's file of every loan from the loan service's events (DPD, balance, settlement, extension,
transfer) and sets off what follows from them; `tasks` opens, follows and closes the collection tasks (催收任务),
their records and promises to pay, and lets a manager reassign them; `warnings` raises and resolves the early
warnings (预警), including those from customer and collateral events; `classification` grades every loan in the
five regulatory classes (五级分类), with manual adjustments decided maker-checker; `operations` keeps the service's
gauges; `lookup` holds the reads the areas share (a row within the caller's data scope, a page with its loans'
files)."""
