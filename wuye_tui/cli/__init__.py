"""The ``wuye`` command. With no subcommand it starts the TUI.

Heavy modules (SQLModel, Textual) are imported inside the commands that need them, so
``wuye --help`` stays instant. Area modules add their own sub-apps when present.
"""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from .. import __version__
from ..i18n import language_from_env, set_language
from .common import STATE, WuyeGroup, fail

app = typer.Typer(
    cls=WuyeGroup,
    invoke_without_command=True,
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="wuye 物业: gate register, front desk, patrol and handover in the terminal.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"wuye {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", envvar="WUYE_DB", help="Database file or URL.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default zh, or WUYE_LANG).")] = None,
    as_name: Annotated[str | None, typer.Option("--as", help="Act as this staff member.")] = None,
    kiosk: Annotated[bool, typer.Option("--kiosk", help="Gate kiosk: quitting needs a supervisor PIN.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False,
) -> None:
    from ..i18n import _, normalise_language

    try:
        STATE.lang = normalise_language(lang) if lang else language_from_env()
    except ValueError:
        fail(_("Error: {message}").format(message=_("--lang must be zh or en")), 2)
    set_language(STATE.lang)
    if STATE._db is not None:  # a new invocation in the same process (tests)
        STATE._db.dispose()
        STATE._db = None
    STATE.db_url = db
    STATE.as_name = as_name
    if ctx.invoked_subcommand is None:
        from ..config import resolve_db_url
        from ..app import run_tui

        run_tui(db_url=resolve_db_url(db), lang=STATE.lang, kiosk=kiosk)


from . import admin, demo  # noqa: E402,F401  (registers the core commands)

for _area in ("gate", "complaints", "guard", "reports"):
    try:
        importlib.import_module(f"{__name__}.{_area}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"{__name__}.{_area}":
            raise


def main() -> None:
    app(prog_name="wuye")
