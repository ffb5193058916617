"""套打: a loan's 借款合同 (with its mortgage clause) and 还款计划表 as PDF, drawn in the gateway from what the services
answer (gateway/contracts/documents.py), worded by a template per product (templates.py, templates/*.toml) with the
amount in capitals (capitals.py), and drawn by ReportLab with an embedded CJK font (pdf.py)."""
