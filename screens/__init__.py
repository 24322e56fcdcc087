"""The screens of the wuye TUI (a second top-level package, by the owner's layout).

Screens call services; they never open a session or build a query themselves.
"""
