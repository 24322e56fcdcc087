"""The written reply to a complaint (article 1: 书面投诉 get a written reply).

``letter(ctx, id)`` gathers what the customer is told — and only that: the complaint's
number, the customer, the facts as received, the steps taken (by their names and dates,
never the staff's internal notes), the reply or explanation given, the next step, the
office's name, address and phone from the settings. ``exports.letters.write_letter`` writes it as a PDF
on the letterhead (``.pdf``) or as plain text (any other name) and records in the
complaint's timeline and the audit trail that a letter was produced. A complaint whose
channel asks for a written reply cannot be archived before one was produced
(``require_letter``, called by the archive steps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


from ...errors import Conflict
from ...i18n import _
from ...models.complaints import Complaint
from ..core import audit
from .common import (  # noqa: F401  (LETTER_EVENT, has_letter, require_letter: re-exported)
    LETTER_EVENT,
    add_event,
    event_label,
    has_letter,
    load_for_update,
    ref_label,
    require_letter,
    written_reply_needed,
)
from .intake import detail
from ..core.context import ServiceContext

# Steps a customer is told about (their dates and names; notes on them stay internal).
CUSTOMER_STEPS = ("received", "dispatched", "started", "deferred", "replied", "confirmed")


@dataclass
class Letter:
    site: str
    address: str
    phone: str
    number: str  # 投诉编号
    complaint_id: int
    customer: str
    unit: str
    received: str  # local date and time
    channel: str
    category: str
    facts: str
    location: str
    steps: list[tuple[str, str]] = field(default_factory=list)  # (date, step name)
    result: str = ""
    next_step: str = ""
    date: str = ""


def complaint_number(c: Complaint, ctx: ServiceContext) -> str:
    """TS-20260302-0012: the day it was received and its record number."""
    return f"TS-{ctx.local(c.received_at):%Y%m%d}-{c.id:04d}"




def letter(ctx: ServiceContext, complaint_id: int) -> Letter:
    """The letter's content; refused until the complaint has a reply or an explanation."""
    from ..core import settings

    d = detail(ctx, complaint_id)
    c = d.complaint
    replies = [ev for ev, _who in d.events if ev.kind in ("replied", "deferred")]
    if not replies:
        raise Conflict(_("Complaint #{id} has no reply yet: record the reply first").format(id=c.id))
    last = replies[-1]
    conf = settings.load(ctx)
    fmt = "%Y-%m-%d %H:%M"
    steps = [(ctx.local(ev.at).strftime("%Y-%m-%d"), event_label(ev.kind)) for ev, _who in d.events
             if ev.kind in CUSTOMER_STEPS]
    phone = getattr(conf, "site_phone", "") or ""
    if last.kind == "deferred" and last.next_reply_at:
        next_step = _("We cannot solve this at once; we will reply to you again by {time}.").format(
            time=ctx.local(last.next_reply_at).strftime(fmt))
    elif phone:
        next_step = _("If the matter is not settled or you have any question, please call us at {phone}.").format(
            phone=phone)
    else:
        next_step = _("If the matter is not settled or you have any question, please contact the property "
                      "service centre.")
    return Letter(
        site=conf.site_name, address=getattr(conf, "site_address", "") or "", phone=phone,
        number=complaint_number(c, ctx), complaint_id=c.id,  # type: ignore[arg-type]
        customer=c.caller, unit=d.unit_code or "", received=ctx.local(c.received_at).strftime(fmt),
        channel=ref_label("channel", c.channel), category=ref_label("category", c.category),
        facts=c.description, location=c.location or "", steps=steps, result=last.note, next_step=next_step,
        date=ctx.local(ctx.now()).strftime("%Y-%m-%d"))


def letter_text(lt: Letter) -> str:
    """The letter as plain text (for the screen and a text file)."""
    lines = [lt.site]
    if lt.address or lt.phone:
        lines.append("  ".join(x for x in (lt.address, _("Tel: {phone}").format(phone=lt.phone) if lt.phone else "")
                               if x))
    lines += ["", _("Reply to your complaint"), _("Complaint No.: {number}").format(number=lt.number), "",
              _("Dear {name}:").format(name=lt.customer), "",
              _("On {date} we received your complaint ({channel}) about {category}:").format(
                  date=lt.received, channel=lt.channel, category=lt.category),
              "  " + lt.facts]
    if lt.unit or lt.location:
        lines.append(_("Unit: {unit}  Location: {loc}").format(unit=lt.unit or "-", loc=lt.location or "-"))
    lines += ["", _("What we did:")] + [f"  {d}  {name}" for d, name in lt.steps]
    lines += ["", _("Result:"), "  " + lt.result, "", _("Next step:"), "  " + lt.next_step, "",
              lt.site, lt.date, "", _("Signature: ____________")]
    return "\n".join(lines) + "\n"


def reply_letter(ctx: ServiceContext, complaint_id: int, site_name: str = "") -> str:
    """The letter as plain text (kept for the callers that show it)."""
    lt = letter(ctx, complaint_id)
    if site_name:
        lt.site = site_name
    return letter_text(lt)


def _record(ctx: ServiceContext, complaint_id: int, path: Path) -> None:
    now = ctx.now()
    with ctx.db.write() as session:
        c = load_for_update(session, complaint_id)
        add_event(session, c, now, ctx.actor, LETTER_EVENT, note=_("Reply letter {file}").format(file=path.name))
        audit.record(session, ctx.actor, now, "complaint.letter", "complaint", c.id, after={"file": path.name})
