"""Tables of desk users: accounts, their departments, sessions and sign-in throttling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from base.database import Base


class User(Base):
    """Someone who signs in to the desk: operator, liaison (联络员), supervisor or admin."""

    __tablename__ = "desk_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The voicemail line (agent_desk.mailboxes): the PIN's argon2 hash, and the wrong PINs
    # since the last good one, which lock the liaison's phone id for a while.
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    pin_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pin_locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Where notifications reach them (agent_desk.recipients); empty means "not by that means".
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    # Set while the password is a one-time one (generated, or reset by an admin): until
    # the user picks their own, the session may do nothing but change it.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # The platform they work for (routing.platforms): they see it and everything below it.
    # None: every platform (admins, and accounts from before platforms existed).
    platform: Mapped[str | None] = mapped_column(String(64))


class UserDepartment(Base):
    """A department a liaison answers for."""

    __tablename__ = "desk_user_departments"
    __table_args__ = (UniqueConstraint("user_id", "department_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("desk_users.id"), index=True)
    department_code: Mapped[str] = mapped_column(String(128), index=True)


class WebSession(Base):
    """A signed-in browser; the id is the SHA-256 of the cookie, so a dump cannot replay it."""

    __tablename__ = "desk_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("desk_users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str] = mapped_column(String(64), default="")


class SignInAttempts(Base):
    """Sign-in attempts counted under one key (a name, an address, or both) in a window.

    Each attempt bumps its rows with one upsert *before* the password is checked, so
    parallel guesses cannot all slip in under the limit; a good password gives its
    attempt back. The window is in the clock's epoch seconds, the same on every dialect.
    """

    __tablename__ = "desk_sign_in_attempts"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    window_ends: Mapped[float] = mapped_column(Float)
