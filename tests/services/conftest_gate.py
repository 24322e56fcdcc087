"""Gate test fixtures: a small roster, a guard, a front desk and a supervisor.
Import with ``from tests.services.conftest_gate import gate_site  # noqa: F401``."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

# A valid resident ID (check digit correct) and two more.
ID1 = "11010519491231002X"
ID2 = "440524198001010013"
ID3 = "110101199003074477"


@dataclass
class GateSite:
    guard: object
    guard2: object
    desk: object
    sup: object
    clock: object


def seed_roster(desk_ctx) -> None:  # type: ignore[no-untyped-def]
    from wuye_tui.services.core.roster import add_resident

    add_resident(desk_ctx, "3", "2", "1202", "李四", "13912345678", plates=["京A12345"])
    add_resident(desk_ctx, "5", "1", "0801", "王芳", "13700001111")


@pytest.fixture
def gate_site(make_ctx, clock):  # type: ignore[no-untyped-def]
    desk = make_ctx("front_desk")
    seed_roster(desk)
    return GateSite(make_ctx("guard"), make_ctx("guard"), desk, make_ctx("supervisor"), clock)


def visitor(**over):  # type: ignore[no-untyped-def]
    raw = {"name": "张三", "id_type": "1", "id_number": ID1, "phone": "13800138000", "headcount": "1",
           "unit": "3栋2单元1202", "approval": "1", "purpose": "1", "plate": "", "stay": ""}
    raw.update(over)
    return raw
