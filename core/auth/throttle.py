"""Login throttling that slows a password-guesser without locking the account's owner out.

Counted from the audit log (``auth.login_failed``, ``auth.login``, ``user.password_reset``), so
every web process sees the same counts, a restart forgets nothing, and tests move time with
:func:`core.clock.frozen`:

* **per account × address**: ``LOGIN_FREE_FAILURES`` failures (3: typing slips) cost nothing;
  after each further one the next attempt from that address must wait 1 s, 2 s, 4 s … after it,
  at most ``LOGIN_MAX_DELAY`` (15 min). A success from that address starts the count again.
* **per account, from anywhere** (guessing spread over many addresses): after 10 failures, the
  same doubling, at most 5 min, except from the account's *usual network*: an address of a /24
  (IPv4) or /64 (IPv6) from which the account signed in during the last 180 days. The owner at
  their office is not slowed by someone else's guesses.
* **per address, all accounts**: Flask-Limiter's ``LOGIN_LIMIT_PER_IP`` (20 a minute).

Counts cover one hour (``WINDOW``) and start again after an admin resets the password, which is
also how an owner locked out on a new network gets back in (OWASP Authentication Cheat Sheet,
"Account Lockout"; ASVS 6.3.1 / V2.2.1). The delay is a wait before the next attempt is even
checked, never a sleep on the server: a guesser cannot tie up workers with it. Unknown and known
account names are counted alike, so the answer reveals nothing about which exist.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.audit.models import AuditEntry
from core.db.types import utcnow
from core.users.models import User

WINDOW = timedelta(hours=1)
USUAL_NETWORK_MEMORY = timedelta(days=180)
ACCOUNT_FREE_FAILURES = 10
ACCOUNT_MAX_DELAY = 300.0
FAILED = "auth.login_failed"
SUCCEEDED = "auth.login"
RESET = "user.password_reset"


@dataclass(frozen=True)
class Policy:
    """``free`` failures cost nothing; then 1 s, doubling, at most ``max_delay`` seconds."""

    free: int
    max_delay: float

    def delay(self, failures: int) -> float:
        if failures <= self.free:
            return 0.0
        return min(2.0 ** (failures - self.free - 1), self.max_delay)


def network_of(ip: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """The /24 (IPv4) or /64 (IPv6) around an address; None for something that is not one."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    prefix = 24 if address.version == 4 else 64
    return ipaddress.ip_network(f"{address}/{prefix}", strict=False)


def _failures(db: Session, name: str, since: datetime, ip: str | None) -> tuple[int, datetime | None]:
    query = select(func.count(), func.max(AuditEntry.at)).where(
        AuditEntry.action == FAILED, AuditEntry.actor_label == name, AuditEntry.at > since,
    )
    if ip is not None:
        query = query.where(AuditEntry.ip == ip)
    count, last = db.execute(query).one()
    return int(count or 0), last


def _last(db: Session, action: str, **where) -> datetime | None:
    query = select(func.max(AuditEntry.at)).where(AuditEntry.action == action)
    for column, value in where.items():
        query = query.where(getattr(AuditEntry, column) == value)
    return db.scalar(query)


def _latest(*moments: datetime | None) -> datetime:
    return max(m for m in moments if m is not None)


def usual_network(db: Session, user: User, ip: str, now: datetime) -> bool:
    """Whether ``ip`` lies in a network the account signed in from during the last 180 days."""
    network = network_of(ip)
    if network is None:
        return False
    addresses = db.scalars(
        select(AuditEntry.ip).where(
            AuditEntry.action == SUCCEEDED, AuditEntry.actor_id == user.id,
            AuditEntry.at > now - USUAL_NETWORK_MEMORY,
        ).distinct().limit(200)
    )
    for known in addresses:
        try:
            if ipaddress.ip_address(known) in network:
                return True
        except ValueError:
            continue
    return False


def wait_seconds(db: Session, user: User | None, name: str, ip: str, *, free: int, max_delay: float,
                 now: datetime | None = None) -> int:
    """Seconds before an attempt to sign in as ``name`` from ``ip`` may be checked (0: now).

    ``name`` is the normalised login name (:func:`core.users.operations.login_name`); ``user`` its
    account, or None when there is none (the count is the same).
    """
    now = now or utcnow()
    reset = _last(db, RESET, object_type="user", object_id=str(user.id)) if user is not None else None
    start = _latest(now - WINDOW, reset)
    success_here = _last(db, SUCCEEDED, actor_label=name, ip=ip)
    pair_count, pair_last = _failures(db, name, _latest(start, success_here), ip)
    waits = [_remaining(Policy(free, max_delay).delay(pair_count), pair_last, now)]
    account_count, account_last = _failures(db, name, start, None)
    account_policy = Policy(ACCOUNT_FREE_FAILURES, ACCOUNT_MAX_DELAY)
    if account_policy.delay(account_count) and not (user is not None and usual_network(db, user, ip, now)):
        waits.append(_remaining(account_policy.delay(account_count), account_last, now))
    return max(waits)


def _remaining(delay: float, last: datetime | None, now: datetime) -> int:
    if not delay or last is None:
        return 0
    left = (last + timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(left))
