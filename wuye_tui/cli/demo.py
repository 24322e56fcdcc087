"""``wuye demo``: build a realistic demo site in its own file and start the TUI on it."""

from __future__ import annotations

from typing import Annotated

import typer

from .root import app
from ..i18n import _
from .common import STATE, fail


@app.command("demo", help=_("Build a demo site (its own database file unless --db) and start the TUI on it."))
def demo(
    households: Annotated[int, typer.Option(min=1, max=200_000)] = 800,
    days: Annotated[int, typer.Option(min=0, max=3650)] = 90,
    seed: Annotated[int, typer.Option()] = 1,
    fresh: Annotated[bool, typer.Option("--fresh", help=_("Rebuild even if the demo file exists."))] = False,
    no_launch: Annotated[bool, typer.Option("--no-launch", help=_("Only build it."))] = False,
) -> None:
    from ..config import demo_db_path, resolve_db_url, sqlite_path
    from ..db import Database
    from ..demo import DEMO_STAFF, build_demo
    from ..services.core.permissions import role_label

    url = resolve_db_url(STATE.db_url) if STATE.db_url else f"sqlite:///{demo_db_path()}"
    path = sqlite_path(url)
    if fresh and path is not None:
        from ..services.core.wholedb import demo_fresh

        demo_fresh(path, known_demo=path.resolve() == demo_db_path().resolve())  # refuses a database `wuye demo` did not build
    db = Database(url)
    db.upgrade()
    from ..services.core.wholedb import demo_marked, mark_demo
    from ..services.core import staff
    from ..services.core.context import ServiceContext

    if staff.count(ServiceContext(db=db)) == 0:
        typer.echo(_("Building a demo site: {h} households, {d} days...").format(h=households, d=days))
        mark_demo(db)
        build_demo(db, households=households, days=days, seed=seed,
                   progress=lambda name: typer.echo(f"  ... {name}"))
    elif fresh:
        fail(_("Error: {message}").format(message=_("--fresh works on SQLite files only; empty the database first")))
    elif not demo_marked(db) and not (path is not None and path.resolve() == demo_db_path().resolve()):
        db.dispose()
        fail(_("Error: {message}").format(message=_("{db} is not a demo database: use `wuye` to open it").format(
            db=url)))
    else:
        typer.echo(_("Using the existing demo site in {db} (--fresh rebuilds it)").format(db=url))
    typer.echo(_("Demo staff (name / role / PIN):"))
    for name, role, pin in DEMO_STAFF:
        typer.echo(f"  {name}\t{role_label(role)}\t{pin}")
    db.dispose()
    if not no_launch:
        from ..app import run_tui

        run_tui(db_url=url, lang=STATE.lang, kiosk=False)
