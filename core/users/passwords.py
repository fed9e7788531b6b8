"""Argon2id password hashing (argon2-cffi; RFC 9106 low-memory profile by default)."""

from __future__ import annotations

import secrets

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


# One hash per hasher, made once: verifying against it costs what verifying a real hash of the
# same parameters costs. Hashing it anew on every call (as this once did) cost a hash *and* a
# verify, so an unknown user took twice as long as a wrong password and accounts could be
# enumerated by timing (OWASP Authentication Cheat Sheet, "Authentication Responses").
_DUMMY_HASHES: dict[int, str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = id(hasher)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hasher.hash(secrets.token_urlsafe(16))
    return _DUMMY_HASHES[key]


def dummy_verify(password: str) -> None:
    """Spend the time of one failed verification, for an account that does not exist."""
    verify_password(_dummy_hash(_hasher()), password)
