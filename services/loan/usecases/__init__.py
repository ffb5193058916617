"""The loan service's use cases: plain functions over the unit of work, one module per area.

- `products`: products, LPR, the repayment calculator (还款试算), what depends on a vehicle;
- `credit`: credit lines (授信) and what applications hold of them;
- `applications`: applications, investigation (贷前调查), approval (审批), contract signing (签约);
- `disbursement`: registration (放款登记) and review (放款复核), which pays the loan out;
- `loans`: reading loans, schedules, and the grade post-loan gives them;
- `repayments`: repayments (还款), advances applied, reversal (还款冲正);
- `changes`: early repayment (提前还款), debt transfer (债务转让), extension (展期);
- `closing`: close of business (日终), queued, claimed by range and finished;
- `lookups`: finding rows within the caller's data scope, the business date, other services' answers.
"""
