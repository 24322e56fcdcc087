"""Typer/Click in the UI language, and every usage error as ONE line.

Typer's own words (help panels "Usage", "Options", "Arguments", "Commands", "Show this
message and exit.", "[default: ...]", "[required]") go through ``wuye_tui.i18n._``; usage
errors (missing argument, no such option, invalid value, extra arguments) become one line
"错误：缺少参数 TEXT（用法：wuye residents find [选项] TEXT；详见 wuye residents find --help）"
instead of a multi-line English box. ``install()`` runs once when the CLI is imported.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from ..i18n import N_, _

# English ids Typer/Click use, translated by the catalog (wuye_tui/locale/zh_CN/sec.json).
WORDS = (N_("Usage: "), N_("Arguments"), N_("Options"), N_("Commands"), N_("Error"), N_("Aborted."),
         N_("Aborted!"), N_("Show this message and exit."), N_("required"), N_("[required]"),
         N_("(deprecated) "), N_("(dynamic)"), N_("Missing command."))

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Missing argument '?(?P<a>[^'.]+)'?\.?$"), N_("missing argument {a}")),
    (re.compile(r"^Missing option '?(?P<a>[^'.]+)'?\.?$"), N_("missing option {a}")),
    (re.compile(r"^Missing parameter:? '?(?P<a>[^'.]+)'?\.?$"), N_("missing argument {a}")),
    (re.compile(r"^Missing command\.?$"), N_("say which command")),
    (re.compile(r"^No such command '(?P<a>.+)'\.?$"), N_("no command named {a}")),
    (re.compile(r"^No such option: (?P<a>\S+)(?: \(Possible options: (?P<b>.+)\))?$"), N_("no option {a}")),
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((?P<a>.+)\)$"), N_("unexpected extra argument: {a}")),
    (re.compile(r"^Option '(?P<a>.+)' requires an argument\.?$"), N_("option {a} needs a value")),
    (re.compile(r"^Option '(?P<a>.+)' requires (?P<b>\d+) arguments\.?$"), N_("option {a} needs a value")),
    (re.compile(r"^Option '(?P<a>.+)' does not take a value\.?$"), N_("option {a} takes no value")),
    (re.compile(r"^Invalid value for (?P<a>.+?): (?P<b>.+)$"), N_("invalid value for {a}: {b}")),
    (re.compile(r"^Invalid value: (?P<b>.+)$"), N_("invalid value: {b}")),
]
_VALUE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^'?(?P<a>.*?)'? is not a valid (?:integer|int)\.?$", re.S), N_("{a} is not a whole number")),
    (re.compile(r"^Input should be a valid integer.*$", re.S), N_("not a whole number")),
    (re.compile(r"^Input should be a valid number.*$", re.S), N_("not a number")),
    (re.compile(r"^Input should be a valid boolean.*$", re.S), N_("not yes or no")),
    (re.compile(r"^Input should be greater than or equal to (?P<a>\S+)$", re.S), N_("at least {a}")),
    (re.compile(r"^Input should be less than or equal to (?P<a>\S+)$", re.S), N_("at most {a}")),
    (re.compile(r"^Input should be greater than (?P<a>\S+)$", re.S), N_("more than {a}")),
    (re.compile(r"^Input should be less than (?P<a>\S+)$", re.S), N_("less than {a}")),
    (re.compile(r"^Input should be (?P<a>.+)$", re.S), N_("should be {a}")),
    (re.compile(r"^'?(?P<a>.*?)'? is not a valid (?:float|number)\.?$", re.S), N_("{a} is not a number")),
    (re.compile(r"^'?(?P<a>.*?)'? is not a valid boolean\.?$", re.S), N_("{a} is not yes or no")),
    (re.compile(r"^'?(?P<a>.*?)'? is not one of (?P<b>.+?)\.?$", re.S), N_("{a} is not one of {b}")),
    (re.compile(r"^(?P<a>.+?) is not in the range (?P<b>.+?)\.?$", re.S), N_("{a} is outside {b}")),
    (re.compile(r"^(?:Path|File|Directory) '?(?P<a>.+?)'? does not exist\.?$", re.S), N_("{a} does not exist")),
]


def _short(value: str, limit: int = 40) -> str:
    value = value.replace("\n", " ")
    return value if len(value) <= limit else value[:limit] + "…"


def translate_message(message: str) -> str:
    """A Click/Typer error message in the UI language (unknown ones stay as they are)."""
    text = " ".join(message.strip().split())
    for pattern, template in _PATTERNS:
        m = pattern.match(text)
        if m:
            parts = {k: _short(v or "") for k, v in m.groupdict().items()}
            if "b" in parts and template in (N_("invalid value for {a}: {b}"), N_("invalid value: {b}")):
                parts["b"] = _translate_value(m.group("b"))
            return _(template).format(**parts)
    return _short(text, 200)


def _translate_value(text: str) -> str:
    for pattern, template in _VALUE_PATTERNS:
        m = pattern.match(text.strip())
        if m:
            return _(template).format(**{k: _short(v or "") for k, v in m.groupdict().items()})
    return _short(text, 120)


def one_line(exc: Any) -> str:
    """``错误：<message>（用法：<usage>；详见 <cmd> --help）`` for a Click exception."""
    message = translate_message(exc.format_message())
    ctx = getattr(exc, "ctx", None)
    if ctx is None:
        return _("Error: {message}").format(message=message)
    usage = " ".join(ctx.command.get_usage(ctx).split())
    return _("Error: {message} ({usage}; see {command} --help)").format(
        message=message, usage=usage, command=ctx.command_path)


_installed = False


def install() -> None:
    """Put Typer's words through the catalog (idempotent; language read at each call)."""
    global _installed
    if _installed:
        return
    _installed = True
    import typer.core as tcore
    import typer.rich_utils as ru
    from typer._click import decorators, formatting  # noqa: F401  (loaded before their words are set)

    tcore._ = _  # "Arguments", "Options", "Commands", "Missing command.", "default: {default}"...
    apply_words()
    usage_word = _("Usage: ")
    ru.highlighter.highlights = [*ru.highlighter.highlights, rf"(?P<usage>{re.escape(usage_word)})"]
    _install_formatters()


def apply_words() -> None:
    """Typer's panel titles in the current language (again at every run: tests switch)."""
    import typer.rich_utils as ru

    ru.ARGUMENTS_PANEL_TITLE = _("Arguments")
    ru.OPTIONS_PANEL_TITLE = _("Options")
    ru.COMMANDS_PANEL_TITLE = _("Commands")
    ru.ERRORS_PANEL_TITLE = _("Error")
    ru.ABORTED_TEXT = _("Aborted.")
    ru.REQUIRED_LONG_STRING = _("[required]")
    ru.DEPRECATED_STRING = _("(deprecated) ")
    ru.DEFAULT_STRING = _("[default: {}]")
    ru.ENVVAR_STRING = _("[env var: {}]")
    ru.RICH_HELP = _("Try [blue]'{command_path} {help_option}'[/] for help.")


def _install_formatters() -> None:
    from typer._click import decorators, formatting  # noqa: F401  (loaded before their words are set)

    original_write_usage = formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original_write_usage(self, prog, args.replace("[OPTIONS]", _("[OPTIONS]")),
                             _("Usage: ") if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]

    original_help_option = decorators.help_option

    def help_option(*param_decls: Any, **kwargs: Any) -> Any:
        decorator = original_help_option(*param_decls, **kwargs)

        def apply(f: Any) -> Any:
            result = decorator(f)
            params = getattr(result, "params", None) or getattr(f, "__click_params__", None)
            if params:
                params[-1].help = _("Show this message and exit.")
            return result

        return apply

    decorators.help_option = help_option


def run_main(group: Any, super_main: Any, args: Any, prog_name: Any, complete_var: Any, standalone_mode: bool,
             **extra: Any) -> Any:
    """``Group.main`` with every Click error as one line on stderr (exit 2, or the error's code)."""
    from typer import exceptions as tx
    from typer._click import exceptions as cx

    apply_words()
    if not standalone_mode:
        return super_main(args, prog_name, complete_var, standalone_mode, **extra)
    try:
        rv = super_main(args, prog_name, complete_var, False, **extra)
    except cx.NoArgsIsHelpError as exc:
        exc.show()
        sys.exit(2)
    except cx.ClickException as exc:
        sys.stderr.write(one_line(exc) + "\n")
        sys.exit(exc.exit_code)
    except tx.Abort:
        sys.stderr.write(_("Aborted.") + "\n")
        sys.exit(1)
    except BrokenPipeError:
        _quiet_pipe()
        sys.exit(1)
    except SystemExit as exc:  # rich's console exits 1 on a closed pipe
        if exc.code == 1 and _stdout_closed():
            _quiet_pipe()
        raise
    sys.exit(rv if isinstance(rv, int) else 0)


def _stdout_closed() -> bool:
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        return True
    except OSError:
        return False
    return False


def _quiet_pipe() -> None:
    """``wuye ... | head``: the reader left; say nothing (and nothing at interpreter exit)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
