"""Run one register export: check who asks, audit it, stream the rows to a private file.

The file is written under a temporary name created with mode 0600 in the target folder
and renamed over the target only when complete, so a failed or interrupted export never
leaves a half file under the asked name. A range with no records writes the header only
(and the title row in XLSX) and reports 0 rows.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from ..errors import NotFound, ValidationError, WuyeError
from ..validators import parse_date_range
from ..i18n import _
from ..services.core import audit
from ..services.core.context import ServiceContext
from ..services.core.permissions import SUPERVISORS, require
from .registers import load_registers
from .registry import Register
from .writers import FORMATS, write_csv, write_json, write_xlsx

Progress = Callable[[int], None]


@dataclass(frozen=True)
class ExportResult:
    register: str
    path: Path
    rows: int
    fmt: str


def get_register(name: str) -> Register:
    regs = load_registers()
    key = (name or "").strip().lower().replace("_", "-")
    if key not in regs:
        raise NotFound(_("Unknown register {name}; known: {names}").format(
            name=name, names=", ".join(sorted(regs))))
    return regs[key]


def check_format(fmt: str) -> str:
    f = (fmt or "").strip().lower()
    if f not in FORMATS:
        raise ValidationError("format", _("Format must be one of: {formats}").format(formats=", ".join(FORMATS)))
    return f


def day_range(ctx: ServiceContext, start: date, end: date) -> tuple[datetime, datetime]:
    """Local days [start, end] inclusive -> [start_utc, end_utc)."""
    start, end = parse_date_range(start, end)
    tz = ctx.tz
    s = datetime.combine(start, time(0), tzinfo=tz).astimezone(timezone.utc)
    e = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz).astimezone(timezone.utc)
    return s, e


def check_target(out_path: str | os.PathLike[str]) -> Path:
    """A path we can write to, checked before anything is read or written."""
    path = Path(out_path).expanduser()
    if not str(out_path).strip():
        raise ValidationError("out", _("Say where to write the file"))
    if path.is_symlink():
        raise WuyeError(_("{path} is a symbolic link: refused").format(path=path))
    if path.is_dir():
        raise WuyeError(_("Cannot write {path}: it is a folder").format(path=path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise WuyeError(_("Cannot write {path}: the folder does not exist").format(path=path))
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise WuyeError(_("Cannot write {path}: permission denied").format(path=path))
    return path


def open_private(path: Path) -> int:
    """A new file readable and writable by its owner only (mode 0600)."""
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise WuyeError(_("Cannot write {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from None


def write_private(path: Path, produce: Callable[[Path], int]) -> int:
    """Call ``produce(tmp_path)`` on a 0600 temporary file beside ``path``, then rename it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    tmp.unlink(missing_ok=True)
    os.close(open_private(tmp))
    try:
        n = produce(tmp)
        os.chmod(tmp, 0o600)
        if path.is_symlink():
            raise WuyeError(_("{path} is a symbolic link: refused").format(path=path))
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WuyeError(_("Cannot write {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n


def _audit_export(ctx: ServiceContext, reg: Register, start: date, end: date, fmt: str, reveal: bool,
                  path: Path) -> None:
    action = "export.reveal" if reveal else "export.run"
    with ctx.db.write() as session:
        audit.record(session, ctx.actor, ctx.now(), action, "register", reg.name,
                     after={"from": start.isoformat(), "to": end.isoformat(), "format": fmt,
                            "reveal": reveal, "file": path.name})


def export(ctx: ServiceContext, register_name: str, start: date, end: date, fmt: str,
           out_path: str | os.PathLike[str], reveal: bool = False, progress: Progress | None = None,
           ) -> ExportResult:
    """Export the register's records of local days [start, end] to ``out_path``."""
    reg = get_register(register_name)
    require(ctx.actor, reg.roles, _("export the {title}").format(title=_(reg.title)))
    if reveal:
        require(ctx.actor, SUPERVISORS, _("reveal ID numbers in an export"))
    fmt = check_format(fmt)
    start_utc, end_utc = day_range(ctx, start, end)
    path = check_target(out_path)
    _audit_export(ctx, reg, start, end, fmt, reveal, path)
    rows = reg.rows(ctx, start_utc, end_utc, reveal)
    tz = ctx.tz

    def produce(tmp: Path) -> int:
        if fmt == "xlsx":
            sub = _("{start} to {end}").format(start=start.isoformat(), end=end.isoformat())
            return write_xlsx(str(tmp), reg.title, reg.columns, rows, tz, progress, subtitle=sub)
        with open(tmp, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as fh:
            writer = write_csv if fmt == "csv" else write_json
            n = writer(fh, reg.columns, rows, tz, progress)
            fh.flush()
            os.fsync(fh.fileno())
            return n

    n = write_private(path, produce)
    return ExportResult(reg.name, path, n, fmt)
