"""Organisation service (组织架构): departments, positions, roles and permissions, employees, login."""
