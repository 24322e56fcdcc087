"""The handover's items table, laid out to fit: fixed widths for the mark, the kind and
the time (MM-DD HH:MM), the title takes the rest and is cut with an ASCII "..." when
longer. The full title, kind, time and state of the highlighted item are shown in the
detail line below the table (``detail``)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import DataTable

from wuye_tui.i18n import _
from wuye_tui.models.guard import HandoverItem
from wuye_tui.reference import load_reference
from wuye_tui.services.core import open_items
from wuye_tui.services.core.context import ServiceContext

MORE = "..."
KIND_MAX = 16  # the longest kind label in Chinese (未确认的重大事件)
TITLE_MIN = 20
NARROW, KIND_NARROW, TITLE_NARROW = 60, 10, 8  # a table narrower than NARROW cells (80-column terminal)
SINCE = "%m-%d %H:%M"
SCROLLBAR = 2  # kept free for the vertical scrollbar, so rows never run under it


def kind_label(kind: str) -> str:
    """The kind's name (the providers are loaded first: a screen that only reads a
    handover must not show the raw code); an unknown kind is "other item"."""
    labels = open_items.kind_labels()
    return _(labels[kind]) if kind in labels else _("Other item")


def fit(text: str, width: int) -> str:
    """``text`` on one line within ``width`` cells; cut with "..." (ASCII) when longer."""
    text = " ".join(text.split())
    if cell_len(text) <= width:
        return text
    room = max(width - len(MORE), 0)
    out, used = [], 0
    for ch in text:
        w = cell_len(ch)
        if used + w > room:
            break
        out.append(ch)
        used += w
    return "".join(out) + MORE


@dataclass(frozen=True)
class Widths:
    mark: int
    kind: int
    title: int
    since: int


def widths(table: DataTable, items: list[HandoverItem]) -> Widths:
    """Column content widths that fill the table's width exactly (cell padding included)."""
    narrow = table.size.width < NARROW  # 80 columns: every column stays visible, the kind is cut
    mark = max(cell_len(_("Ack.")), cell_len("[ ]"))
    kind = min(KIND_NARROW if narrow else KIND_MAX,
               max([cell_len(_("Kind"))] + [cell_len(kind_label(i.kind)) for i in items]))
    since = max(cell_len(_("Since")), len("03-02 08:00"))
    padding = 2 * table.cell_padding * 4
    title = max(TITLE_NARROW if narrow else TITLE_MIN, table.size.width - SCROLLBAR - padding - mark - kind - since)
    return Widths(mark, kind, title, since)


def set_columns(table: DataTable, w: Widths) -> None:
    table.clear(columns=True)
    table.add_column(_("Ack."), width=w.mark, key="mark")
    table.add_column(_("Kind"), width=w.kind, key="kind")
    table.add_column(_("Item"), width=w.title, key="title")
    table.add_column(_("Since"), width=w.since, key="since")


def styles(app) -> tuple[Style, Style]:  # type: ignore[no-untyped-def]
    """(overdue, acknowledged) from the theme's variables."""
    v = app.get_css_variables()
    return (Style(bold=True, color=v.get("text-error") or v.get("error")),
            Style(bold=True, color=v.get("text-success") or v.get("success")))


def row(ctx: ServiceContext, item: HandoverItem, w: Widths, overdue: Style, done: Style) -> tuple:
    if item.acknowledged:
        mark = Text("OK", style=done)
    elif item.reset_at is not None:
        mark = Text("[!]", style=overdue)  # changed after it was acknowledged
    else:
        mark = Text("[ ]")
    title = Text(fit(item.title, w.title), style=overdue if item.overdue else "")
    since = ctx.local(item.since).strftime(SINCE) if item.since else ""
    return mark, Text(fit(kind_label(item.kind), w.kind)), title, Text(since)


def item_details(item: HandoverItem) -> dict:
    try:
        value = json.loads(item.detail or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def detail(ctx: ServiceContext, item: HandoverItem | None, overdue: Style, locked: bool) -> Text:
    """The highlighted item in full: kind, whole title, since (with the date), state."""
    if item is None:
        return Text(_("No open items to hand over."))
    text = Text()
    head = _("{kind}:").format(kind=kind_label(item.kind))
    text.append(head if head.endswith("：") else head + " ", style="bold")  # full-width colon: no space
    text.append(" ".join(item.title.split()), style=overdue if item.overdue else "")
    text.append("\n")
    parts = []
    if item.since:
        parts.append(_("since {t}").format(t=ctx.local(item.since).strftime("%Y-%m-%d %H:%M")))
    if item.overdue:
        parts.append(_("needs attention"))
    if item.kind == "patrol_missed":
        d = item_details(item)
        if d.get("reason"):
            parts.append(_("reason: {reason}").format(
                reason=load_reference().label("missed_round_reason", d["reason"])))
        elif not d.get("due") and not locked:
            parts.append(_("no reason yet: F7"))
    if item.acknowledged:
        parts.append(_("acknowledged"))
    elif not locked:
        if item.reset_at is not None:
            parts.append(_("changed at {t} after it was acknowledged: look again").format(
                t=ctx.local(item.reset_at).strftime("%H:%M")))
        parts.append(_("to acknowledge: Enter"))
    text.append(_(", ").join(parts))
    return text


class ItemsTable(DataTable):
    """The items table; tells its screen when its width changes so columns are refitted."""

    class Resized(Message):
        def __init__(self, table: ItemsTable) -> None:
            super().__init__()
            self.table = table

    _fitted_width = -1

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._fitted_width:
            self._fitted_width = event.size.width
            self.post_message(self.Resized(self))
