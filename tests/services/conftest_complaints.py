"""Helpers shared by the complaint service tests (not collected: no test_ prefix)."""

from __future__ import annotations

from typing import Any

from wuye_tui.services.core import roster

RESIDENTS = (
    ("1栋", "1单元", "101", "张伟", "13800138001"),
    ("1栋", "1单元", "102", "李娜", "13800138002"),
    ("1栋", "2单元", "201", "王芳", "13800138003"),
    ("2栋", "1单元", "301", "刘洋", "13800138004"),
    ("2栋", "1单元", "302", "陈静", "13800138005"),
)


def seed_roster(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    codes = []
    for b, e, r, name, phone in RESIDENTS:
        roster.add_resident(ctx, b, e, r, name, phone)
        codes.append(f"{b}{e}{r}")
    return codes


def intake(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = dict(caller="张伟", unit="1栋1单元101", phone="13800138001", channel="phone",
                                category="public_facility", cause="equipment", description="楼道灯不亮",
                                location="1栋1单元3楼")
    data.update(over)
    return data
