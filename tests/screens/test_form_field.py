"""FormField alone in a host app: checked as it is left, but not while still untouched."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from screens.widgets.form import FormField
from wuye_tui.errors import ValidationError
from wuye_tui.validators import validate_phone


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield FormField("电话", "phone", validate_phone, required=True)
        yield FormField("备注", "note")


def error(app: Host) -> str:
    return str(app.query_one("#err-phone", Static).render())


async def test_untouched_required_field_says_nothing_when_left():
    app = Host()
    async with app.run_test() as pilot:
        app.query_one("#in-phone").focus()
        await pilot.press("tab")
        await pilot.pause()
        assert error(app) == ""
        with pytest.raises(ValidationError):  # saving still checks it
            app.query_one("#field-phone", FormField).validate_now()
        assert error(app) == "此项必填"


async def test_typed_then_left_is_checked_and_cleared_when_good():
    app = Host()
    async with app.run_test() as pilot:
        app.query_one("#in-phone").focus()
        await pilot.press("1", "2", "3", "tab")
        await pilot.pause()
        assert "手机" in error(app) or "电话" in error(app)
        field = app.query_one("#field-phone", FormField)
        field.input.focus()
        await pilot.press("backspace", "backspace", "backspace", "tab")
        await pilot.pause()
        assert error(app) == "此项必填"  # emptied by the user: it is required
        field.set_value("13812345678")
        assert field.validate_now() == "13812345678" and error(app) == ""
