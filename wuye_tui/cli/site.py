"""Deployment commands: ``wuye serve`` (browsers), ``wuye site setup-postgres`` (a site on
PostgreSQL), ``wuye db copy`` (move a site from SQLite to PostgreSQL)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _
from .common import STATE, fail
from .core import db_app
from .root import app

site_app = typer.Typer(help=_("Setting up a site."), no_args_is_help=True)
app.add_typer(site_app, name="site")


@app.command("serve", help=_("Serve the terminal UI to browsers (each tab its own session)."))
def serve(
    host: Annotated[str, typer.Option(help=_("Address to listen on (default: this computer only)."))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=_("Port to listen on."))] = 8000,
    kiosk: Annotated[bool, typer.Option("--kiosk", help=_("Gate kiosk: quitting needs a supervisor PIN."))] = False,
    all_interfaces: Annotated[bool, typer.Option(
        "--all-interfaces", help=_("Allow --host 0.0.0.0 (every network interface)."))] = False,
    public_url: Annotated[str | None, typer.Option(help=_("The address browsers use, behind a reverse proxy."))] = None,
) -> None:
    import os

    from ..config import resolve_db_url
    from ..errors import ValidationError
    from ..services.core import serve as serving

    try:
        p = serving.plan(resolve_db_url(STATE.db_url), host, port, STATE.lang, kiosk, all_interfaces, public_url)
    except ValidationError as exc:
        fail(_("Error: {message}").format(message=exc.message), 2)
    try:
        from textual_serve.server import Server
    except ImportError:
        fail(_("Error: {message}").format(message=_("textual-serve is not installed (pip install textual-serve)")))
    os.environ.update(p.environment)
    typer.echo(_("Serving wuye at {url} (Ctrl+C stops)").format(url=p.public_url))
    Server(p.command, host=p.host, port=p.port, title="wuye", public_url=p.public_url).serve()


@site_app.command("setup-postgres", help=_("Create the schema and the first supervisor on an empty PostgreSQL database."))
def setup_postgres(
    url: Annotated[str, typer.Argument(help=_("postgresql+psycopg://user:password@host:5432/database"))],
    name: Annotated[str | None, typer.Option(help=_("The first supervisor's name."))] = None,
    pin: Annotated[str | None, typer.Option(help=_("Their PIN (4-8 digits); asked when missing."))] = None,
) -> None:
    from ..services.core import site_setup

    if not name:
        name = typer.prompt(_("First supervisor's name"))
    if not pin:
        pin = typer.prompt(_("PIN (4-8 digits)"), hide_input=True, confirmation_prompt=True)
    result = site_setup.setup_postgres(url, name, pin)
    typer.echo(_("Site ready on {url}: supervisor {name} created.").format(url=result.shown_url, name=result.name))
    typer.echo(_("Start every other terminal with:  wuye --db '{url}'   (or set WUYE_DB)").format(
        url=result.shown_url))
    typer.echo(_("(the password is the one in the URL you gave; it is not printed)"))


@db_app.command("copy", help=_("Copy every row of one database into another, empty one (SQLite to PostgreSQL)."))
def db_copy(
    source: Annotated[str, typer.Option("--from", help=_("The database to copy (file or URL)."))],
    target: Annotated[str, typer.Option("--to", help=_("An empty database (URL)."))],
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ..config import resolve_db_url
    from ..services.core import db_copy as copier

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=False) as bar:
        task = bar.add_task(_("Copying"), total=None)

        def progress(table: str, done: int, total: int) -> None:
            bar.update(task, description=table, completed=done, total=total)

        report = copier.copy_database(resolve_db_url(source), resolve_db_url(target), progress=progress)
    typer.echo(_("Copied {rows} rows in {tables} tables; audit chain on the copy: {audit}").format(
        rows=report.rows, tables=report.tables, audit=report.audit))
