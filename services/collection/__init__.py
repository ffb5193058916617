"""贷后管理 Post-loan: collection tasks, early warnings, five-level classification."""
