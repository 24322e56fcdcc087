"""The written reply letter (书面回复) of a complaint, written to a PDF (or a text file) whose
path the operator may change (default ~/回复函_<id>.pdf). A path that cannot be used, a
file that exists (replaced only after a second Enter) and a failed write are all said at
the path field. Returns the path written, or None when cancelled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wuye_tui.errors import ValidationError
from wuye_tui.exports import letters
from wuye_tui.i18n import _
from wuye_tui.services.core.context import ServiceContext

from .field_dialog import Field, FieldDialog


def default_path(complaint_id: int) -> Path:
    return Path.home() / f"回复函_{complaint_id}.pdf"


def check_path(text: str) -> Path:
    """The file to write: ``~`` expanded, a relative path taken from the home folder; the
    folder must exist and the path must not be a folder itself."""
    raw = text.strip()
    if any(ord(ch) < 32 for ch in raw):
        raise ValidationError("path", _("The file name contains control characters"))
    if len(raw) > 1000:
        raise ValidationError("path", _("The path is too long"))
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = Path.home() / path
    if path.is_dir() or raw.endswith(("/", "\\")):
        raise ValidationError("path", _("{path} is a folder: add a file name").format(path=path))
    if not path.parent.is_dir():
        raise ValidationError("path", _("The folder {folder} does not exist").format(folder=path.parent))
    return path


class LetterDialog(FieldDialog):
    def __init__(self, ctx: ServiceContext, complaint_id: int) -> None:
        self.ctx = ctx
        self.complaint_id = complaint_id
        self._replace: Path | None = None  # the existing file the operator was warned about
        super().__init__(
            _("Written reply letter for complaint #{id}").format(id=complaint_id),
            [Field("path", _("File"), str(default_path(complaint_id)), check_path, required=True,
                   hint=_("A PDF on the letterhead (.pdf) or text; Enter writes it; Esc cancels."))],
            self._write)

    def _write(self, values: dict[str, Any]) -> Path:

        path: Path = values["path"]
        if path.exists() and path != self._replace:
            self._replace = path
            raise ValidationError("path", _("The file exists: press Enter again to replace it"))
        try:
            return letters.write_letter(self.ctx, self.complaint_id, path)
        except OSError as exc:
            raise ValidationError("path", _("Cannot write the file: {error}").format(
                error=exc.strerror or exc.__class__.__name__)) from exc
