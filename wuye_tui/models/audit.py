"""The append-only audit trail: every write adds a row chained by hash to the previous."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    staff_id: int | None = Field(default=None, index=True)  # None: the system or a failed login
    action: str = Field(max_length=60, index=True)  # "staff.add", "visit.check_in"
    entity: str = Field(max_length=40)
    entity_id: str = Field(default="", max_length=40)
    before: str = Field(default="")  # JSON
    after: str = Field(default="")  # JSON
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    covers: str = Field(default="", max_length=64)  # keyed hash of the register row it covers (staff)
