"""贷款 Loan service: products, calculator, credit lines, applications, contracts, disbursement."""
