"""What the gate's slip printer prints, built from the registers: a visitor slip at
check-in (with a QR code that checks the visitor out), a contractor pass slip
(临时出入证) and an item-release slip (放行条).

Printing never changes a record: the visit, pass or slip is saved first, and a printer
that is off, out of paper or hanging gives a clear ``PrinterError`` within the
``printer_timeout_seconds`` setting. Whether a slip prints by itself is the
``auto_print_visitor|pass|release`` setting.
"""

from __future__ import annotations

from sqlalchemy import select

from ...devices.printer import SlipDoc, render, send
from ...devices.qr import visit_payload
from ...errors import NotFound, ValidationError
from ...i18n import _
from ...models import Staff, Unit
from ...models.gate import ContractorPass, RenovationPermit, Visit
from ..core.context import ServiceContext
from ..core.permissions import GATE, OFFICE, require

KINDS = ("visitor", "pass", "release")
_AUTO = {"visitor": "auto_print_visitor", "pass": "auto_print_pass", "release": "auto_print_release"}


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧**娜: enough for the guard, little for a finder."""
    n = (name or "").strip()
    if len(n) <= 1:
        return n
    if len(n) == 2:
        return n[0] + "*"
    return n[0] + "*" * (len(n) - 2) + n[-1]


def _site(ctx: ServiceContext) -> str:
    from ..core.settings import load

    return load(ctx).site_name


def visitor_slip(ctx: ServiceContext, visit_id: int) -> SlipDoc:
    require(ctx.actor, GATE, _("print visitor slips"))
    with ctx.db.read() as session:
        row = session.execute(select(Visit, Unit.code, Staff.name).join(Unit, Unit.id == Visit.host_unit_id)
                              .join(Staff, Staff.id == Visit.guard_id, isouter=True)
                              .where(Visit.id == visit_id)).first()
    if row is None or row[0].purged:
        raise NotFound(_("No such visit"))
    v, unit, guard = row
    lines = [(_("Visit No."), str(v.id)), (_("Visitor"), mask_name(v.name)), (_("Host unit"), unit),
             (_("Time in"), f"{ctx.local(v.checked_in_at):%Y-%m-%d %H:%M}"),
             (_("Expected out"), f"{ctx.local(v.expected_out_at):%Y-%m-%d %H:%M}"), (_("Guard"), guard or "")]
    if v.headcount > 1:
        lines.insert(2, (_("People"), str(v.headcount)))
    if v.plate:
        lines.insert(3, (_("Plate"), v.plate))
    return SlipDoc(title=_("Visitor slip"), header=_site(ctx), lines=lines, qr=visit_payload(v.id),  # type: ignore[arg-type]
                   qr_caption=_("Show this code at the gate when leaving"),
                   footer=_("Please keep this slip during your visit"))


def pass_slip(ctx: ServiceContext, number: str) -> SlipDoc:
    require(ctx.actor, GATE | OFFICE, _("print contractor passes"))
    from ..gate.passes import normalise_pass

    num = normalise_pass(number)
    with ctx.db.read() as session:
        row = session.execute(select(ContractorPass, RenovationPermit, Unit.code)
                              .join(RenovationPermit, RenovationPermit.id == ContractorPass.permit_id)
                              .join(Unit, Unit.id == RenovationPermit.unit_id)
                              .where(ContractorPass.number == num)).first()
    if row is None:
        raise ValidationError("pass", _("Unknown pass number"))
    cp, permit, unit = row
    from ..gate.common import ref

    lines = [(_("Pass No."), cp.number), (_("Unit"), unit), (_("Company"), permit.company),
             (_("Foreman"), permit.foreman),
             (_("Valid"), f"{permit.start_date:%Y-%m-%d} ~ {permit.end_date:%Y-%m-%d}"),
             (_("Hours"), ref().renovation.text)]
    if cp.worker:
        lines.insert(1, (_("Worker"), cp.worker))
    return SlipDoc(title=_("Contractor pass"), header=_site(ctx), lines=lines, qr=cp.number,
                   qr_caption=_("Show this pass at the gate"), footer=_("Void when the permit is revoked"))


def release_slip(ctx: ServiceContext, number: object) -> SlipDoc:
    require(ctx.actor, GATE | OFFICE, _("print release slips"))
    from ..gate.slips import items_text, show_slip

    view = show_slip(ctx, number)
    lines = [(_("Slip No."), view.number), (_("Unit"), view.unit), (_("Items"), items_text(view.items)),
             (_("Valid on"), f"{view.valid_on:%Y-%m-%d}")]
    if view.reason:
        lines.append((_("Reason"), view.reason))
    if view.approved_by:
        lines.append((_("Approved by"), view.approved_by))
    return SlipDoc(title=_("Release slip"), header=_site(ctx), lines=lines, qr=view.number,
                   qr_caption=_("The gate checks this slip once"))


def build(ctx: ServiceContext, kind: str, ref: object) -> SlipDoc:
    if kind == "visitor":
        try:
            return visitor_slip(ctx, int(str(ref)))
        except ValueError:
            raise ValidationError("visit", _("A visit number is a whole number")) from None
    if kind == "pass":
        return pass_slip(ctx, str(ref))
    if kind == "release":
        return release_slip(ctx, ref)
    raise ValidationError("kind", _("Slip kinds: visitor, pass, release"))


def print_doc(ctx: ServiceContext, doc: SlipDoc) -> None:
    """Send a slip to the configured printer (PrinterError if it cannot print)."""
    from ..core.settings import load

    conf = load(ctx)
    send(conf.printer_url, render(doc), timeout=float(conf.printer_timeout_seconds),
         status_check=bool(conf.printer_status_check))


def print_slip(ctx: ServiceContext, kind: str, ref: object) -> SlipDoc:
    doc = build(ctx, kind, ref)
    print_doc(ctx, doc)
    return doc


def auto_print(ctx: ServiceContext, kind: str) -> bool:
    """Whether this kind of slip prints by itself when its record is saved."""
    from ..core.settings import load

    conf = load(ctx)
    return bool(getattr(conf, _AUTO[kind])) and bool(conf.printer_url)
