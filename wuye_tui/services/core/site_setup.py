"""A site on PostgreSQL: ``wuye site setup-postgres URL``. Checks the server answers (a
connect timeout of a few seconds, never a hang), that the database is empty or a wuye
database of this version, creates the schema and the first supervisor, and gives the URL
the other terminals use (its password masked). Each failure is one clear line."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from ...errors import ConfigError, ValidationError
from ...i18n import _

CONNECT_TIMEOUT = 3


@dataclass(frozen=True)
class SetupResult:
    url: str
    shown_url: str
    name: str


def shown(url: str) -> str:
    """The URL with its password masked (for printing and logs)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<bad URL>"


def normalise_pg_url(url: str) -> str:
    raw = (url or "").strip()
    for prefix in ("postgresql://", "postgres://"):
        if raw.startswith(prefix):
            raw = "postgresql+psycopg://" + raw[len(prefix):]
    try:
        u = make_url(raw)
    except Exception:
        raise ValidationError("url", _("Not a database URL: use postgresql+psycopg://user:password@host:5432/database")) from None
    if u.get_backend_name() != "postgresql" or not u.database or not u.host:
        raise ValidationError("url", _("Not a database URL: use postgresql+psycopg://user:password@host:5432/database"))
    return raw


def connect_error(exc: BaseException, url: str) -> ConfigError:
    """One line for what went wrong when connecting (never the password)."""
    u = make_url(url)
    msg = str(getattr(exc, "orig", exc) or exc)
    low = msg.lower()
    where = f"{u.host}:{u.port or 5432}"
    if "password authentication failed" in low or "no password supplied" in low:
        return ConfigError(_("PostgreSQL refused user {user}: wrong password").format(user=u.username))
    if "does not exist" in low and "database" in low:
        return ConfigError(_("Database {db} does not exist on {where}: create it first "
                             "(createdb -O {user} {db})").format(db=u.database, where=where, user=u.username))
    if "role" in low and "does not exist" in low:
        return ConfigError(_("PostgreSQL has no user {user} on {where}").format(user=u.username, where=where))
    if "timeout" in low or "timed out" in low:
        return ConfigError(_("No answer from {where} within {n} s: is the host right and the server up?").format(
            where=where, n=CONNECT_TIMEOUT))
    if "could not translate host name" in low or "name or service not known" in low or "nodename nor servname" in low:
        return ConfigError(_("Unknown host {host}").format(host=u.host))
    if "connection refused" in low:
        return ConfigError(_("Nothing listens on {where}: is PostgreSQL running?").format(where=where))
    return ConfigError(_("Cannot connect to {where}: {err}").format(where=where, err=msg.splitlines()[0][:160]))


def probe(url: str) -> None:
    """Connect once with a short timeout; raise ConfigError with the reason."""
    engine = create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT}, poolclass=None)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        raise connect_error(exc, url) from None
    finally:
        engine.dispose()


def schema_state(url: str) -> tuple[set[str], list[str]]:
    """(stored alembic revisions, table names) of the database."""
    engine = create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT})
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            revs: set[str] = set()
            if "alembic_version" in tables:
                revs = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
        return revs, tables
    finally:
        engine.dispose()


def check_version(stored: set[str]) -> None:
    from ...db import known_revisions, script_heads

    unknown = stored - known_revisions()
    if unknown:
        raise ConfigError(_("This database was made by a newer wuye (revision {db}; this program knows up to "
                            "{prog}): install the newer version").format(
            db=", ".join(sorted(unknown)), prog=", ".join(sorted(script_heads()))))


def setup_postgres(url: str, name: str, pin: str) -> SetupResult:
    from ...db import Database
    from . import staff
    from .context import ServiceContext

    url = normalise_pg_url(url)
    probe(url)
    stored, tables = schema_state(url)
    check_version(stored)
    foreign = [t for t in tables if t != "alembic_version"] if not stored else []
    if foreign:
        raise ConfigError(_("Database is not empty and not a wuye database ({n} tables): use an empty one").format(
            n=len(foreign)))
    db = Database(url)
    try:
        db.upgrade()
        ctx = ServiceContext(db=db, terminal="setup")
        if staff.count(ctx):
            raise ConfigError(_("This site is set up already: its staff exist. Start the terminals with this URL."))
        s = staff.create_first_supervisor(ctx, name, pin)
    finally:
        db.dispose()
    return SetupResult(url, shown(url), s.name)
