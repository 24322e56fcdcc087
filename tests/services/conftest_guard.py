"""Helpers shared by the guard-post service tests (imported, not a pytest conftest)."""

from __future__ import annotations

from wuye_tui.services.core import open_items


def provided(ctx, kind: str):  # type: ignore[no-untyped-def]
    """The open items of one kind, asked of that provider alone."""
    return open_items.providers()[kind](ctx, ctx.now())


def add_unit(db, building: str = "3栋", entrance: str = "2单元", room: str = "1202",  # type: ignore[no-untyped-def]
             resident: str = "王先生") -> str:
    """A unit with one resident (who may authorise lending the unit's key)."""
    from sqlalchemy import select

    from wuye_tui.models import Building, Resident, Unit

    with db.write() as s:
        b = s.execute(select(Building).where(Building.name == building)).scalar_one_or_none()
        if b is None:
            b = Building(name=building)
            s.add(b)
            s.flush()
        code = f"{building}{entrance}{room}"
        unit = Unit(building_id=b.id, entrance=entrance, room=room, code=code)
        s.add(unit)
        s.flush()
        if resident:
            s.add(Resident(unit_id=unit.id, name=resident))
    return code
