"""Argon2id password hashing (argon2-cffi; RFC 9106 low-memory profile by default)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

# Tests lower the cost through THIDUA_PASSWORD_HASH_FAST: the hash is still real Argon2id.
_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_DEFAULT = PasswordHasher()

MIN_LENGTH = 8


def _hasher() -> PasswordHasher:
    if has_app_context() and current_app.config.get("PASSWORD_HASH_FAST"):
        return _FAST
    return _DEFAULT


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


# Verified against when the account does not exist, so that an unknown user costs as much time
# as a wrong password and the two cannot be told apart.
def dummy_verify(password: str) -> None:
    verify_password(_hasher().hash("not-a-real-password"), password)
