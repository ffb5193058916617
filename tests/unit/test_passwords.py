from services.org import passwords


def test_a_password_verifies_against_its_hash():
    encoded = passwords.hash_password("correct horse")
    assert passwords.verify_password("correct horse", encoded)
    assert not passwords.verify_password("correct horsE", encoded)


def test_hashes_are_salted_and_never_contain_the_password():
    first, second = passwords.hash_password("s3cret-pass"), passwords.hash_password("s3cret-pass")
    assert first != second
    assert "s3cret-pass" not in first


def test_the_kdf_is_scrypt_with_a_work_factor_of_at_least_2_to_the_14():
    scheme, n, r, p, _salt, _digest = passwords.hash_password("x" * 10).split("$")
    assert scheme == "scrypt" and int(n) >= 2 ** 14 and int(r) >= 8


def test_malformed_or_foreign_hashes_never_verify():
    assert not passwords.verify_password("x", "")
    assert not passwords.verify_password("x", "md5$abc")
    assert not passwords.verify_password("x", None)


def test_a_staff_password_needs_length_and_three_kinds_of_characters():
    from services.org.domain import password_problem
    assert password_problem("Li-secret-1", "li4") is None
    assert password_problem("Sh0rt-pw", "li4") == "use at least 10 characters"
    assert "three" in password_problem("alllowercaseletters", "li4")
    assert "three" in password_problem("ABCDEF123456", "li4")
    assert password_problem("长城-Great-Wall", "li4") is None  # anything not a letter or digit is a symbol


def test_a_password_must_not_contain_the_username():
    from services.org.domain import password_problem
    assert password_problem("x-ZhangWei-2026", "zhangwei") == "must not contain the username"
    assert password_problem("Li-secret-1", "li") is None  # too short a username to matter


def test_common_passwords_are_refused_even_dressed_up():
    from services.org.domain import common_passwords, password_problem
    assert {"123456", "password", "qwerty123", "admin123"} <= common_passwords()
    assert len(common_passwords()) >= 300
    for password in ("Password123!", "Qwerty123!!", "Admin2026!!", "!!Welcome2026", "1qaz2wsx3edc"):
        assert password_problem(password, "li4") is not None, password
    assert "common" in password_problem("Password123!", "li4")
