"""The collateral service's use cases, one module per business area: `vehicles` (registration and corrections of the
cars pledged), `valuations` (车辆评估: submission, maker-checker review, the value in force for lending), `pledges`
(the loans the cars secure, learnt from loan.disbursed / settled / transferred, which open the task book), `tasks`
(GPS installation and removal, mortgage registration and release: 抵押登记 / 解押) and `gps` (the GPS platform's
alerts); `lookups` holds the finders they share (data scope, the valuation in force). Each use case is a function
`verb_noun(uow, ..., data, *, dependencies)` over the worker's unit of work that returns model objects, never JSON."""
