"""The written reply to a complaint (article 1: 书面投诉 get a written reply), as Markdown
text built from the record."""

from __future__ import annotations

from pathlib import Path

from ..errors import Conflict
from ..i18n import _
from .complaint_common import ref_label
from .complaints import detail
from .context import ServiceContext


def reply_letter(ctx: ServiceContext, complaint_id: int, site_name: str = "") -> str:
    """The letter text; refused until the complaint has a reply or an explanation."""
    from . import settings

    d = detail(ctx, complaint_id)
    c = d.complaint
    replies = [ev for ev, _who in d.events if ev.kind in ("replied", "deferred")]
    if not replies:
        raise Conflict(_("Complaint #{id} has no reply yet: record the reply first").format(id=c.id))
    last = replies[-1]
    site = site_name or settings.load(ctx).site_name
    fmt = "%Y-%m-%d %H:%M"
    lines = [
        f"# {_('Reply to your complaint')}",
        "",
        _("Dear {name}:").format(name=c.caller),
        "",
        _("On {date} we received your complaint ({channel}) about {category}:").format(
            date=ctx.local(c.received_at).strftime(fmt), channel=ref_label("channel", c.channel),
            category=ref_label("category", c.category)),
        "",
        f"> {c.description}",
        "",
    ]
    if d.unit_code or c.location:
        lines += [_("Unit: {unit}  Location: {loc}").format(unit=d.unit_code or "-", loc=c.location or "-"), ""]
    lines += [f"## {_('How it was handled')}", ""]
    for ev, who in d.events:
        if ev.kind in ("dispatched", "started", "deferred", "replied", "unsatisfied"):
            from .complaint_common import event_label

            note = f": {ev.note}" if ev.note else ""
            lines.append(f"- {ctx.local(ev.at).strftime(fmt)} {event_label(ev.kind)}{note}")
    lines += ["", f"## {_('Our reply')}", "", last.note, ""]
    if last.kind == "deferred" and last.next_reply_at:
        lines += [_("We will reply again by {time}.").format(time=ctx.local(last.next_reply_at).strftime(fmt)), ""]
    lines += [_("If you have any further questions, please contact the property service centre."), "",
              site, ctx.local(ctx.now()).strftime("%Y-%m-%d"), ""]
    return "\n".join(lines)


def write_letter(ctx: ServiceContext, complaint_id: int, path: Path) -> Path:
    from ..fsafe import write_private

    text = reply_letter(ctx, complaint_id)
    return write_private(Path(path), text.encode("utf-8"))  # 0600, temp + rename, never via a symlink
