"""The domain. Every rule (permission, validation, audit, escalation) lives here once,
so the TUI, the CLI and the tests meet the same rules. No Textual, no Typer."""

from .core.context import Actor, ServiceContext

__all__ = ["Actor", "ServiceContext"]
