"""User text is never Textual markup.

Stored and typed text (names, notes, the site name, alert titles...) reaches the screen
through Static/Label, DataTable cells and notifications. Rather than trusting every call
site to escape, the app installs three defaults once (``install()``, called when
``wuye_tui.app`` is imported):

- a plain ``str`` given to a ``Static``/``Label`` is shown as it is (``markup=False`` is the
  default); code that wants styling builds a ``Content`` (``styled()`` below), which never
  parses the values put into it;
- a plain ``str`` in a ``DataTable`` cell is shown as it is (the library would parse it as
  Rich markup: ``[/]`` raised ``MarkupError`` and killed the app); styled cells are
  ``rich.text.Text``;
- ``App.notify`` never parses markup (see ``WuyeApp.notify``);
- ``OptionList`` (and so ``Select``) prompts are plain by default (they show resident names).

Control characters (ANSI escapes, bells, carriage returns) are shown as visible symbols
(``\\x1b`` as "␛") so text cannot move the cursor or recolour the terminal.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.content import Content

from wuye_tui.textsafe import clean, escape_markup  # noqa: F401  (re-exported for screens)


def plain(value: object) -> Content:
    """Text shown literally (no markup), control characters made visible."""
    return Content(clean(value))


def cell(value: object, style: str = "") -> Text:
    """A DataTable cell shown literally."""
    return Text(clean(value), style=style, end="")


def styled(template: str, **values: Any) -> Content:
    """Program markup with user values: ``styled("[b]$name[/b] said $note", name=.., note=..)``.

    The values are inserted as text (never parsed), so only the template is markup.
    """
    return Content.from_markup(template, **{k: clean(v) for k, v in values.items()})


_installed = False


def _literal_tables(data_table: Any) -> None:
    """DataTable shows plain ``str`` cells as they are (its module-level formatter)."""
    original_formatter = data_table.default_cell_formatter

    def literal_cell_formatter(obj: object, wrap: bool = True, height: int = 0) -> Any:
        if isinstance(obj, str):
            text = Text(clean(obj), end="")
            text.no_wrap = not wrap
            return text
        if isinstance(obj, Text) and not obj.plain.isprintable():
            obj = obj.copy()
            obj.plain = clean(obj.plain)  # one symbol per character: the spans stay in place
        return original_formatter(obj, wrap, height)

    data_table.default_cell_formatter = literal_cell_formatter


def _tables_when_loaded() -> None:
    """Patch DataTable's formatter when its module is first loaded rather than at start-up
    (the login screen has no table; the module costs ~4 ms to import). Screens take it from
    ``textual.widgets``, whose lazy loader (a module ``__getattr__``) is wrapped here."""
    import sys

    import textual.widgets as widgets

    loaded = sys.modules.get("textual.widgets._data_table")
    if loaded is not None:
        _literal_tables(loaded)
        return
    lazy = widgets.__getattr__

    def __getattr__(name: str) -> Any:
        found = lazy(name)
        if name == "DataTable":
            _literal_tables(sys.modules["textual.widgets._data_table"])
            widgets.__getattr__ = lazy  # patched once: Textual's own loader again
        return found

    widgets.__getattr__ = __getattr__  # type: ignore[attr-defined]


def install() -> None:
    """Make plain strings literal in Static/Label and DataTable cells (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    from textual.widgets import Label, Static

    _tables_when_loaded()

    for cls in (Static, Label):
        original_init = cls.__init__

        def __init__(self, content: Any = "", *args: Any, _init: Any = original_init, markup: bool = False,
                     **kwargs: Any) -> None:
            if isinstance(content, str) and not markup:
                content = plain(content)
            _init(self, content, *args, markup=markup, **kwargs)

        cls.__init__ = __init__  # type: ignore[method-assign]

    from textual.widgets import OptionList

    original_option_list_init = OptionList.__init__

    def option_list_init(self: OptionList, *content: Any, markup: bool = False, **kwargs: Any) -> None:
        original_option_list_init(self, *content, markup=markup, **kwargs)  # prompts carry names

    OptionList.__init__ = option_list_init  # type: ignore[method-assign]

    original_update = Static.update

    def update(self: Static, content: Any = "", *, layout: bool = True) -> None:
        if isinstance(content, str) and not self._render_markup:
            content = plain(content)
        original_update(self, content, layout=layout)

    Static.update = update  # type: ignore[method-assign]
