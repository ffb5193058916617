"""Password hashing with scrypt (a slow, memory-hard KDF) and constant-time verification."""
import base64
import hashlib
import hmac
import os

N, R, P = 2 ** 14, 8, 1
MIN_LENGTH = 8


def _b64(raw):
    return base64.b64encode(raw).decode()


def hash_password(password, n=N, r=R, p=P):
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=2 ** 26, dklen=32)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def verify_password(password, encoded):
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
    except (ValueError, AttributeError):
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                               p=int(p), maxmem=2 ** 26, dklen=32)
    return hmac.compare_digest(candidate, base64.b64decode(digest))


# Verified against when the username does not exist, so both paths take the same time.
DUMMY_HASH = hash_password("not-a-real-password")
