"""A day's page of the visitor register (访客登记表) as PDF, with the register's
permission check and the same audit entry as an export of it."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from ..i18n import _
from ..services.core.context import ServiceContext
from ..services.core.permissions import require
from .exporter import _audit_export, check_target, get_register, write_private


def write(ctx: ServiceContext, day: date, out: str | os.PathLike[str]) -> tuple[int, Path]:
    from ..validators import parse_date_range

    day, _same = parse_date_range(day, day)
    reg = get_register("visitors")
    require(ctx.actor, reg.roles, _("export the {title}").format(title=_(reg.title)))
    path = check_target(out)
    _audit_export(ctx, reg, day, day, "pdf", False, path)
    from .pdf_docs import visitors_day_pdf

    n = write_private(path, lambda tmp: visitors_day_pdf(ctx, day, tmp))
    return n, path
