"""What every CLI command shares: global options, the database, the acting staff member,
and one place that turns domain errors into one clear line and a non-zero exit."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from ..errors import WuyeError
from ..i18n import _


@dataclass
class State:
    db_url: str | None = None
    as_name: str | None = None
    lang: str = "zh"
    _db: Any = None
    _ctx: Any = field(default=None)


STATE = State()

AsOption = Annotated[str | None, typer.Option("--as",
                                              help=_("Act as this staff member (PIN asked, or WUYE_PIN)."))]


def fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


class WuyeGroup(TyperGroup):
    """Top-level group: every WuyeError from any command becomes one line on stderr, and so
    does every usage error (``typer_zh``); a closed pipe ends quietly."""

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,  # type: ignore[override]
             standalone_mode: bool = True, **extra: Any) -> Any:
        from .typer_zh import run_main

        return run_main(self, super().main, args, prog_name, complete_var, standalone_mode, **extra)

    def invoke(self, ctx: Any) -> Any:
        from ..i18n import _

        from ..storage_errors import crash_line, log_unexpected, translate, url_password

        try:
            return super().invoke(ctx)
        except WuyeError as exc:
            fail(_("Error: {message}").format(message=str(exc)))
        except BrokenPipeError:
            raise
        except (typer.Exit, typer.Abort, typer.TyperException, KeyboardInterrupt):
            raise  # usage errors and exits keep their own handling
        except Exception as exc:  # storage faults: one line; bugs: logged, one line, exit 1
            err = translate(exc)
            if err is not None:
                fail(_("Error: {message}").format(message=err.message))
            if isinstance(exc, OSError):
                fail(_("Error: {message}").format(message=f"{exc.strerror or exc}: {exc.filename or ''}".strip()))
            if isinstance(exc, (OverflowError, ValueError)) and not isinstance(exc, UnicodeError):
                # e.g. a 5000-digit number: int() refuses it, SQLite cannot store it
                fail(_("Error: {message}").format(message=_("A number is too large or not valid")))
            if os.environ.get("WUYE_DEBUG"):
                raise
            secret = url_password(str(STATE.db_url or os.environ.get("WUYE_DB", "")))
            fail(crash_line(exc, log_unexpected(exc, "cli " + " ".join(sys.argv[1:3]), (secret,))))


def database():  # type: ignore[no-untyped-def]
    """The process's database, opened and upgraded on first use."""
    if STATE._db is None:
        from ..config import resolve_db_url
        from ..db import Database

        db = Database(resolve_db_url(STATE.db_url))
        for warning in db.health_check(quick_check_seconds=0.5):  # damaged or read-only: writes refused
            typer.echo(_("Warning: {message}").format(message=warning), err=True)
        try:
            db.upgrade()
        except Exception as exc:
            if db.refuse_writes is not None:
                raise db.refuse_writes from exc
            raise
        STATE._db = db
    return STATE._db


def cli_terminal() -> str:
    """Who is at this shell: OS user, host and tty (wrong-PIN delays are per terminal)."""
    import getpass
    import socket

    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment
        user = str(os.getuid())
    try:
        tty = os.ttyname(0)
    except OSError:
        tty = "-"
    return f"cli:{user}@{socket.gethostname()}:{tty}"[:80]


def system_ctx():  # type: ignore[no-untyped-def]
    from ..services.core.context import ServiceContext
    from ..services.core.settings import load

    ctx = ServiceContext(db=database(), terminal=cli_terminal())
    ctx.tz_name = load(ctx).time_zone
    return ctx


def acting_ctx(as_name: str | None = None):  # type: ignore[no-untyped-def]
    """A context acting as the staff member named by --as or WUYE_USER, PIN checked."""
    from ..i18n import _
    from ..services.core import staff

    name = as_name or STATE.as_name or os.environ.get("WUYE_USER")
    if not name:
        fail(_("Error: {message}").format(message=_("say who you are: --as NAME or WUYE_USER")))
    pin = os.environ.get("WUYE_PIN")
    if pin is None:
        if not sys.stdin.isatty():
            fail(_("Error: {message}").format(message=_("no PIN: set WUYE_PIN or run in a terminal")))
        pin = typer.prompt(_("PIN for {name}").format(name=name), hide_input=True)
    ctx = system_ctx()
    actor = staff.authenticate(ctx, name, pin)
    return ctx.as_actor(actor)
