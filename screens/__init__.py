"""The screens of the wuye TUI (a second top-level package, by the owner's layout).

Screens call services; they never open a session or build a query themselves.
"""

from .widgets.plain_text import install as _install_plain_text

_install_plain_text()  # user text is never markup: plain strings in Static, Label, DataTable cells
