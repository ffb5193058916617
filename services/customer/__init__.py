"""Customer service (客户管理): persons, enterprises, blacklist, loan history and credit status."""
