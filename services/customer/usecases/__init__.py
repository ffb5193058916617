"""The customer service's use cases, one module per business area: `registration` (persons and enterprises, each
identity checked, sealed and registered once), `corrections` (contact data and identity numbers corrected under their
permissions), `reading` (the customers one may see, a customer's file with their loans and credit status), `blacklist`
(entries by customer, ID number or USCC, and who may borrow), and `history` (each customer's loans, projected from
the loan and collection events). `shared` holds what several areas check and find the same way. Each use case is a
function `verb_noun(uow, data, *, …)` over the worker's unit of work; it returns model objects or domain values, and
`services/customer/views.py` formats them."""
