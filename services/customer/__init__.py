"""Customer service (客戶管理): persons, enterprises, blacklist, loan history and credit status."""
