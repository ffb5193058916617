"""Organisation service (組織架構(gòu)): departments, positions, roles and permissions, employees, login."""
