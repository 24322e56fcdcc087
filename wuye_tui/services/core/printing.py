"""Printing on the office's CUPS printer: ``lp -d PRINTER FILE``.

The printer is the ``printer`` site setting (``wuye settings set printer NAME``; ``lpstat
-p`` lists the names). Nothing configured, no ``lp`` command, a printer CUPS refuses or an
``lp`` that does not answer are each one clear error; nothing is printed half-silently.
Documents made for printing (the reply letter, the reports) are written as PDF to a
private temporary folder, handed to ``lp`` (which copies them to the spool) and removed.
Every print is in the audit trail."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ...errors import ValidationError, WuyeError
from ...i18n import _
from . import audit
from .context import ServiceContext
from .permissions import STAFF, require

LP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class PrintJob:
    printer: str
    file: str
    job: str  # what lp answered ("request id is office-12 (1 file(s))")


def configured_printer(ctx: ServiceContext) -> str:
    from . import settings

    name = (getattr(settings.load(ctx), "printer", "") or "").strip()
    if not name:
        raise WuyeError(_("No printer is configured: set one with `wuye settings set printer NAME` "
                          "(lpstat -p lists them)"))
    return name


def print_file(ctx: ServiceContext, path: str | Path, what: str = "") -> PrintJob:
    """Send ``path`` to the configured printer; the failure said in one line."""
    require(ctx.actor, STAFF, _("print"))
    p = Path(path).expanduser()
    if not p.is_file():
        raise ValidationError("file", _("No such file: {path}").format(path=p))
    printer = configured_printer(ctx)
    lp = shutil.which("lp")
    if lp is None:
        raise WuyeError(_("Cannot print: the lp command (CUPS) is not installed"))
    try:
        proc = subprocess.run([lp, "-d", printer, "-t", what or p.name, "--", str(p)], capture_output=True,
                              timeout=LP_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise WuyeError(_("Cannot print on {printer}: lp did not answer within {n} seconds").format(
            printer=printer, n=LP_TIMEOUT_SECONDS)) from None
    except OSError as exc:
        raise WuyeError(_("Cannot print on {printer}: {reason}").format(
            printer=printer, reason=exc.strerror or exc)) from None
    out = proc.stdout.decode("utf-8", "replace").strip()
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = err[0] if err else _("lp exited with {code}").format(code=proc.returncode)
        raise WuyeError(_("Cannot print on {printer}: {reason}").format(printer=printer, reason=reason[:200]))
    with ctx.db.write() as session:
        audit.record(session, ctx.actor, ctx.now(), "print", "file", "",
                     after={"printer": printer, "file": p.name, "what": what, "job": out[:200]})
    return PrintJob(printer, p.name, out)


def print_document(ctx: ServiceContext, name: str, produce: Callable[[Path], object], what: str = "") -> PrintJob:
    """Make a document with ``produce(path)`` in a private temporary folder and print it.
    The printer is checked first, so nothing is made (or recorded) for no printer."""
    configured_printer(ctx)
    with tempfile.TemporaryDirectory(prefix="wuye-print-") as folder:  # mode 0700
        path = Path(folder) / name
        produce(path)
        return print_file(ctx, path, what or name)
