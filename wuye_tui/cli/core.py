"""Core commands: init, staff, residents, db, audit, settings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .root import app
from ..i18n import _
from .common import AsOption, acting_ctx, database, fail, system_ctx




@app.command("init", help=_("Create the database and the first supervisor."))
def init(
    name: Annotated[str | None, typer.Option(help=_("The first supervisor's name."))] = None,
    pin: Annotated[str | None, typer.Option(help=_("Their PIN (4-8 digits); asked when missing."))] = None,
) -> None:
    from ..services.core import staff

    ctx = system_ctx()
    if staff.count(ctx):
        fail(_("Error: {message}").format(message=_("Staff already exist: the first supervisor was created before.")))
    if not name:
        name = typer.prompt(_("First supervisor's name"))
    if not pin:
        pin = typer.prompt(_("PIN (4-8 digits)"), hide_input=True, confirmation_prompt=True)
    s = staff.create_first_supervisor(ctx, name, pin)
    typer.echo(_("Created supervisor {name} in {db}").format(name=s.name, db=database().safe_url))


staff_app = typer.Typer(help=_("Staff accounts."), no_args_is_help=True)
app.add_typer(staff_app, name="staff")


@staff_app.command("add", help=_("Add a staff member (supervisors)."))
def staff_add(name: str, role: Annotated[str, typer.Option(help=_("guard, front_desk, supervisor, manager"))],
              pin: Annotated[str | None, typer.Option()] = None, as_: AsOption = None) -> None:
    from ..services.core import staff

    ctx = acting_ctx(as_)
    if not pin:
        pin = typer.prompt(_("PIN (4-8 digits)"), hide_input=True, confirmation_prompt=True)
    s = staff.add(ctx, name, role, pin)
    typer.echo(_("Added {name} ({role})").format(name=s.name, role=s.role))


@staff_app.command("list", help=_("List staff (supervisors)."))
def staff_list(as_: AsOption = None) -> None:
    from ..services.core import staff
    from ..services.core.permissions import SUPERVISORS, require, role_label

    ctx = acting_ctx(as_)
    require(ctx.actor, SUPERVISORS, _("list staff"))
    for s in staff.list_staff(ctx):
        state = _("active") if s.active else _("disabled")
        typer.echo(f"{s.id}\t{s.name}\t{role_label(s.role)}\t{state}")


@staff_app.command("disable", help=_("Disable a staff member (supervisors)."))
def staff_disable(name: str, as_: AsOption = None) -> None:
    from ..services.core import staff

    staff.set_active(acting_ctx(as_), name, False)
    typer.echo(_("Disabled {name}").format(name=name))


@staff_app.command("enable", help=_("Enable a staff member again (supervisors)."))
def staff_enable(name: str, as_: AsOption = None) -> None:
    from ..services.core import staff

    staff.set_active(acting_ctx(as_), name, True)
    typer.echo(_("Enabled {name}").format(name=name))


@staff_app.command("reset-pin", help=_("Set a new PIN and clear a lockout (supervisors, or your own)."))
def staff_reset_pin(name: str, pin: Annotated[str | None, typer.Option()] = None, as_: AsOption = None) -> None:
    from ..services.core import staff

    ctx = acting_ctx(as_)
    if not pin:
        pin = typer.prompt(_("New PIN (4-8 digits)"), hide_input=True, confirmation_prompt=True)
    staff.reset_pin(ctx, name, pin)
    typer.echo(_("PIN reset for {name}").format(name=name))


@staff_app.command("unlock", help=_("Clear the wrong-PIN delays of a staff member (managers)."))
def staff_unlock(name: str, as_: AsOption = None) -> None:
    from ..services.core import staff

    staff.unlock(acting_ctx(as_), name)
    typer.echo(_("Wrong-PIN delays cleared for {name}").format(name=name))


residents_app = typer.Typer(help=_("The resident roster."), no_args_is_help=True)
app.add_typer(residents_app, name="residents")


@residents_app.command(
    "import", help=_("Import residents from CSV (UTF-8/GB18030) or XLSX: 楼栋 单元 房号 姓名 电话 车牌."))
def residents_import(file: Path, skip_bad: Annotated[bool, typer.Option("--skip-bad")] = False,
                     as_: AsOption = None) -> None:
    from ..services.core.roster_import import import_residents

    result = import_residents(acting_ctx(as_), file, skip_bad=skip_bad)
    for row, reason in result.errors:
        typer.echo(_("Row {row}: {reason}").format(row=row, reason=reason), err=True)
    if result.errors and not skip_bad:
        fail(_("Nothing imported: {n} bad rows (use --skip-bad to import the rest)").format(n=len(result.errors)))
    typer.echo(_("Imported {n} residents").format(n=result.imported))


@residents_app.command("find", help=_("Find units by unit number, name, phone or pinyin initials."))
def residents_find(text: str, as_: AsOption = None) -> None:
    from ..services.core import roster

    for hit in roster.search_units(acting_ctx(as_), text, limit=20):
        typer.echo(f"{hit.code}\t{hit.resident}\t{hit.phone_masked}")


db_app = typer.Typer(help=_("Database maintenance."), no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade", help=_("Bring the schema up to date (also done at every start)."))
def db_upgrade() -> None:
    db = database()
    typer.echo(_("Schema is current: {revs}").format(revs=", ".join(sorted(db.stored_revisions()))))


@db_app.command("check", help=_("Integrity check and schema revision."))
def db_check() -> None:
    """Read-only: the checked file is not upgraded, given WAL files or otherwise changed."""
    from ..config import resolve_db_url
    from ..db_readonly import check
    from .common import STATE

    result = check(resolve_db_url(STATE.db_url))
    problems = result.problems
    typer.echo(_("Revision: {revs}").format(revs=", ".join(sorted(result.revisions))))
    if not resolve_db_url(STATE.db_url).startswith("sqlite"):
        from ..db import Database

        pg = Database(resolve_db_url(STATE.db_url))  # never upgraded here: only read
        try:
            problems.extend(_pg_checks(pg))
        finally:
            pg.dispose()
    if problems:
        for p in problems:
            typer.echo(p, err=True)
        fail(_("Database check failed"))
    typer.echo(_("Database checks clean"))


def _pg_checks(db) -> list[str]:  # type: ignore[no-untyped-def]
    """PostgreSQL: constraints, the audit chain's head and row counts (services/db_health)."""
    if db.is_sqlite:
        return []
    from ..services.core.db_health import pg_health

    report = pg_health(db)
    typer.echo(_("Rows: {counts}").format(counts=", ".join(f"{k} {v}" for k, v in sorted(report.counts.items())
                                                          if v)))
    return report.problems


@db_app.command(
    "backup", help=_("Consistent copy of the database while terminals write (PostgreSQL: by pg_dump)."))
def db_backup(file: Annotated[str, typer.Argument(help=_("The backup file to write."))],
              as_: AsOption = None) -> None:
    from ..services.core.wholedb import backup_as

    written = backup_as(acting_ctx(as_), file)  # a supervisor with PIN; audited
    typer.echo(_("Backup written to {file}").format(file=written))


audit_app = typer.Typer(help=_("The audit trail."), no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify", help=_("Check the audit hash chain; names the first broken row."))
def audit_verify() -> None:
    from ..services.core import audit

    result = audit.verify_database(database())
    if not result.ok and result.reason == "truncated":
        fail(_("Audit chain cut short: row {id} of the last checkpoint is gone (last rows deleted, the table "
               "emptied, or an older copy of the database put back)").format(id=result.broken_id))
    if not result.ok and result.reason.startswith("register:"):
        fail(_("A register row was changed outside wuye: {entity} #{id} no longer matches its audit row").format(
            entity=audit.register_label(result.reason.split(":", 1)[1]), id=result.broken_id))
    if not result.ok and result.reason == "seal:handover":
        fail(_("Signed handover #{id} was changed outside wuye: its content no longer matches the seal "
               "recorded at its signature").format(id=result.broken_id))
    if not result.ok and result.reason == "rewritten":
        fail(_("Audit chain rewritten: row {id} differs from the last checkpoint").format(id=result.broken_id))
    if not result.ok:
        fail(_("Audit chain broken at row {id} ({reason}); {n} rows before it are intact").format(
            id=result.broken_id, reason=result.reason, n=result.checked))
    typer.echo(_("Audit chain intact: {n} rows").format(n=result.checked))


settings_app = typer.Typer(help=_("Site settings."), no_args_is_help=True)
app.add_typer(settings_app, name="settings")


@settings_app.command("show", help=_("Show the site settings."))
def settings_show(as_: AsOption = None) -> None:
    from dataclasses import asdict

    from ..services.core import settings

    from ..services.core.notify import shown_value
    from ..storage_errors import mask_secrets

    for key, value in asdict(settings.load(acting_ctx(as_))).items():
        typer.echo(f"{key}\t{mask_secrets(str(shown_value(key, value)))}")


@settings_app.command(
    "set", help=_("Change one setting (supervisors; security and the notification command: managers)."))
def settings_set(key: str, value: str, as_: AsOption = None) -> None:
    from ..services.core import settings

    settings.update(acting_ctx(as_), **{key: value})
    typer.echo(_("Setting {key} changed").format(key=key))
