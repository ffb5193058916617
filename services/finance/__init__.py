"""财务中心 Finance service: double-entry books posted from loan events, ledgers, cash journal, reports."""
