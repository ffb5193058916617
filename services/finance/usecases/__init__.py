"""The finance service's use cases, one module per area of the books: `postings` (the loan and collection events
posted as balanced entries, the loan books kept up to date), `journal` (entries listed and read, 红字冲销),
`accounts` (the chart and the bank accounts), `books` (trial balance, ledgers, cash journal), `reports`
(portfolio, monthly income, the provisioning run, the record of an export); `store` holds what they share (an
entry written with its lines, a loan's book, a bank account, balances summed from the journal, the data scope).
Each is a function `verb_noun(uow, data, *, …)` over the worker's unit of work that returns model objects or
domain values, never the RPC's answer (that is `services/finance/views.py`)."""
