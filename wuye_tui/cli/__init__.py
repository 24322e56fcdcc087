"""The ``wuye`` command. With no subcommand it starts the TUI.

Heavy modules (SQLModel, Textual) are imported inside the commands that need them, so
``wuye --help`` stays instant. Area modules add their own sub-apps when present.
Help texts are ``_()`` lookups made while the apps are defined, so the language (--lang,
WUYE_LANG, default zh) is chosen from the command line before anything else.
"""

from __future__ import annotations

from typing import Annotated

import sys

import typer

from .. import __version__
from ..i18n import _, language_from_env, normalise_language, set_language

_ROOT_OPTIONS_WITH_VALUE = ("--db", "--lang", "--as")


def _language_from_argv(argv: list[str]) -> str:
    """The language asked for by a root ``--lang X`` / ``--lang=X``, else WUYE_LANG, else zh.

    Help texts are translated when the Typer apps below are defined, so the language has to
    be known before the root callback runs. Only the root options (before the subcommand) are
    read. A bad value is ignored here: the root callback reports it (exit 2).
    """
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--" or not arg.startswith("-"):
            break  # the subcommand (or the end of the options)
        if arg.startswith("--lang="):
            value: str | None = arg.split("=", 1)[1]
        elif arg == "--lang":
            value = argv[i + 1] if i + 1 < len(argv) else None
        else:
            i += 2 if arg in _ROOT_OPTIONS_WITH_VALUE else 1
            continue
        try:
            return normalise_language(value)
        except ValueError:
            break
    return language_from_env()


set_language(_language_from_argv(sys.argv[1:]))

from .common import STATE, WuyeGroup, fail  # noqa: E402  (its help texts need the language)

app = typer.Typer(
    cls=WuyeGroup,
    invoke_without_command=True,
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    help=_("wuye 物业: gate register, front desk, patrol and handover in the terminal."),
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"wuye {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", envvar="WUYE_DB", help=_("Database file or URL."))] = None,
    lang: Annotated[str | None, typer.Option("--lang",
                                             help=_("zh or en (default zh, or WUYE_LANG)."))] = None,
    as_name: Annotated[str | None, typer.Option("--as", help=_("Act as this staff member."))] = None,
    kiosk: Annotated[bool, typer.Option("--kiosk",
                                        help=_("Gate kiosk: quitting needs a supervisor PIN."))] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help=_("Show the version and exit."))] = False,
) -> None:
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


from . import admin, complaints, demo, gate, guard, reports  # noqa: E402,F401  (register the commands)
from . import printing  # noqa: E402,F401


def main() -> None:
    app(prog_name="wuye")
