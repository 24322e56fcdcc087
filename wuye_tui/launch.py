"""The ``wuye`` console script. With no subcommand it starts the TUI straight away, without
building the Typer app (about 150 ms of imports and definitions a user would wait for);
anything else (a subcommand, ``--help``, ``--version``, ``--as``, a value it cannot read)
goes to the full CLI in ``wuye_tui.cli``, which reports errors as usual.
"""

from __future__ import annotations

import os
import sys

_TUI_OPTIONS_WITH_VALUE = ("--db", "--lang")


def tui_options(argv: list[str]) -> dict[str, object] | None:
    """The root options when ``argv`` asks only for the TUI (``--db X``, ``--lang X``,
    ``--kiosk``, also as ``--opt=X``), else None."""
    found: dict[str, object] = {"db": None, "lang": None, "kiosk": False}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--kiosk":
            found["kiosk"] = True
            i += 1
            continue
        name, eq, value = arg.partition("=")
        if name not in _TUI_OPTIONS_WITH_VALUE:
            return None
        if not eq:
            if i + 1 >= len(argv):
                return None
            value = argv[i + 1]
            i += 1
        found[name[2:]] = value
        i += 1
    return found


def main() -> None:
    opts = tui_options(sys.argv[1:])
    if opts is not None:
        from .i18n import language_from_env, normalise_language, set_language

        lang = language_from_env()
        if opts["lang"] is not None:
            try:
                lang = normalise_language(str(opts["lang"]))
            except ValueError:
                opts = None  # the CLI says what is wrong with it, in one line
        if opts is not None:
            set_language(lang)
            from .app import run_tui
            from .config import resolve_db_url

            run_tui(db_url=resolve_db_url(opts["db"] or os.environ.get("WUYE_DB")), lang=lang,
                    kiosk=bool(opts["kiosk"]))
            return
    from .cli import main as cli_main

    cli_main()
