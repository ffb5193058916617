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
