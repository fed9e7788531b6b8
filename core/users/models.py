"""User (a global account), Membership (tenant-owned) and ApiToken."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, GlobalTable, TenantScoped, new_id
from core.db.types import UTCDateTime, utcnow

# A name a unit's admin types (the local part) and the slug of the unit it is created in
# (Tenant.slug, 120 characters) make the stored sign-in name "local@slug"
# (core.users.operations.qualified_name).
LOCAL_NAME_LENGTH = 60
# Tenant.slug's width; not imported, since tenants sit a layer above users (tests/test_users.py
# checks the two agree).
SLUG_LENGTH = 120
USERNAME_LENGTH = LOCAL_NAME_LENGTH + 1 + SLUG_LENGTH


class User(GlobalTable, Base):
    __tablename__ = "user_account"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(USERNAME_LENGTH), unique=True)
    full_name: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Bumped on password change, deactivation or "log out everywhere": every session cookie
    # carries the version it was issued with and stops working once it differs.
    session_version: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    # Set when an admin resets the password: the temporary one only opens the page where the user
    # chooses their own.
    password_must_change: Mapped[bool] = mapped_column(default=False, server_default=false())
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Membership(TenantScoped, Base):
    """A user's role in one tenant. Owned by that tenant."""

    __tablename__ = "membership"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("tenant_id", "user_id", "role"),)


class ApiToken(GlobalTable, Base):
    """A bearer token; only its SHA-256 digest is stored."""

    __tablename__ = "api_token"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None: valid until revoked.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def usable_at(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)
