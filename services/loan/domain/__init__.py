"""The loan service's rules, in plain Python: the schedule engine (`schedule`) and origination (`origination`)."""
