"""``wuye serve``: loopback by default; every interface only when asked for by name; the
database URL (which may hold a password) goes to the sessions by environment, never argv."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from wuye_tui.cli import app
from wuye_tui.cli.common import STATE
from wuye_tui.errors import ValidationError
from wuye_tui.services.core import serve


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "*", ""])
def test_every_interface_is_refused_without_all_interfaces(sqlite_db, host):
    STATE._db = None
    r = CliRunner().invoke(app, ["--db", sqlite_db.url, "serve", "--host", host, "--port", "8765"])
    STATE._db = None
    assert r.exit_code == 2 and "--all-interfaces" in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_loopback_by_default_and_the_url_never_on_the_command_line():
    url = "postgresql+psycopg://wuye:s3cret@10.0.0.5/wuye"
    p = serve.plan(url, "127.0.0.1", 8000, "zh")
    assert (p.host, p.port) == ("127.0.0.1", 8000)
    assert "s3cret" not in p.command and p.environment["WUYE_DB"] == url
    assert serve.plan(url, "0.0.0.0", 8000, "zh", all_interfaces=True).host == "0.0.0.0"
    with pytest.raises(ValidationError):
        serve.check_bind("127.0.0.1", 70000)
    with pytest.raises(ValidationError):
        serve.check_bind("bad host!", 8000)
