"""Serving the TUI to browsers (``wuye serve``) with textual-serve: every browser tab gets its
own app process, started with the same database, language and kiosk option as the server,
and named ``web:<host>:<pid>`` so its logins show in the audit trail by terminal.

Binding is checked here so the CLI and any other caller obey the same rule: loopback by
default; a LAN address is allowed; every interface (``0.0.0.0`` / ``::``) only when the
caller says so explicitly (the PIN login is the only gate, so an office puts the server
behind its reverse proxy for TLS, see the README).
"""

from __future__ import annotations

import ipaddress
import shlex
import sys
from dataclasses import dataclass

from ...config import WEB_TERMINAL_ENV
from ...errors import ValidationError
from ...i18n import _

ALL_INTERFACES = {"0.0.0.0", "::", "*", ""}


@dataclass(frozen=True)
class ServePlan:
    host: str
    port: int
    command: str
    environment: dict[str, str]
    public_url: str


def check_bind(host: str, port: int, all_interfaces: bool = False) -> tuple[str, int]:
    host = (host or "").strip()
    if host in ALL_INTERFACES and not all_interfaces:
        raise ValidationError("host", _("Listening on every interface needs --all-interfaces "
                                        "(put it behind the office's reverse proxy for TLS)"))
    if host in ("*", ""):
        host = "0.0.0.0"
    if host != "localhost":
        try:
            ipaddress.ip_address(host)
        except ValueError:
            if not all(part.isalnum() or "-" in part for part in host.split(".")) or len(host) > 253:
                raise ValidationError("host", _("Not a host name or IP address: {host}").format(host=host)) from None
    if not 1 <= port <= 65535:
        raise ValidationError("port", _("A port is a number from 1 to 65535"))
    return host, port


def plan(db_url: str, host: str, port: int, lang: str, kiosk: bool = False,
         all_interfaces: bool = False, public_url: str | None = None) -> ServePlan:
    host, port = check_bind(host, port, all_interfaces)
    args = [sys.executable, "-m", "wuye_tui", "--lang", lang]
    if kiosk:
        args.append("--kiosk")
    # The database URL (it may hold a password) goes by the environment, not the command line.
    env = {"WUYE_DB": db_url, WEB_TERMINAL_ENV: "web"}
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    url = public_url or f"http://{shown if ':' not in shown else '[' + shown + ']'}:{port}"
    return ServePlan(host, port, shlex.join(args), env, url)

