"""抵押物管理 Collateral: vehicles, valuations, mortgage, GPS and release tasks."""
