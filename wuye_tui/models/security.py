"""Login throttles: growing delays after wrong PINs, per account, per terminal and per both."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class AuthThrottle(SQLModel, table=True):
    __tablename__ = "auth_throttle"

    key: str = Field(primary_key=True, max_length=120)  # "acct:3", "term:cli:ann@pc", "acct:3@term:..."
    failures: int = Field(default=0)
    unknown_names: int = Field(default=0)  # wrong names typed at this terminal (never the text)
    next_allowed_at: datetime | None = Field(default=None)
    last_at: datetime | None = Field(default=None)
