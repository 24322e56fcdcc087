"""``wuye residents import``: CSV (UTF-8 with or without BOM, or GB18030) and XLSX.

Every row is validated first; a bad row is reported with its row number and reason, and
nothing is imported unless ``skip_bad`` is set. The good rows go in one transaction.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import ValidationError, WuyeError
from ...i18n import _
from ...validators import clean_text, validate_name, validate_phone, validate_plate
from . import audit
from .context import ServiceContext
from .permissions import OFFICE, require
from .roster import _insert_resident, ensure_unit

HEADERS = {
    "building": ("楼栋", "楼号", "building"),
    "entrance": ("单元", "entrance", "unit"),
    "room": ("房号", "房间", "room"),
    "name": ("姓名", "name"),
    "phone": ("电话", "手机", "phone"),
    "plate": ("车牌", "车牌号", "plate", "plates"),
}
REQUIRED = ("building", "room", "name")


@dataclass
class ImportResult:
    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _read_rows(path: Path) -> list[list[str]]:
    if not path.exists():
        raise WuyeError(_("File not found: {path}").format(path=path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds
            raise WuyeError(_("Cannot read {path}: {err}").format(path=path, err=exc)) from None
        ws = wb.active
        rows = [["" if v is None else str(v).strip() for v in row] for row in ws.iter_rows(values_only=True)]
        wb.close()
        return rows
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise WuyeError(_("{path} is neither UTF-8 nor GB18030 text").format(path=path))
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]


def _map_header(header: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = cell.strip().lower()
        for name, aliases in HEADERS.items():
            if key in aliases and name not in index:
                index[name] = i
    missing = [HEADERS[k][0] for k in REQUIRED if k not in index]
    if missing:
        raise ValidationError("header", _("Missing columns: {cols}").format(cols=" ".join(missing)))
    return index


def import_residents(ctx: ServiceContext, path: Path, skip_bad: bool = False) -> ImportResult:
    require(ctx.actor, OFFICE, _("import residents"))
    rows = _read_rows(Path(path))
    if not rows:
        raise ValidationError("file", _("The file is empty"))
    index = _map_header(rows[0])
    result = ImportResult()
    good: list[tuple[str, str, str, str, str, list[str]]] = []
    seen_plates: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        def cell(k: str, row: list[str] = row) -> str:
            return row[index[k]] if k in index and index[k] < len(row) else ""

        try:
            building = clean_text(cell("building"), field="楼栋", max_len=40, required=True)
            entrance = clean_text(cell("entrance"), field="单元", max_len=20)
            room = clean_text(cell("room"), field="房号", max_len=20, required=True)
            name = validate_name(cell("name"), field="姓名")
            phone = validate_phone(cell("phone"), field="电话") if cell("phone").strip() else ""
            plates = [validate_plate(p, field="车牌") for p in cell("plate").replace("，", ",").replace("/", ",")
                      .split(",") if p.strip()]
            for p in plates:
                if p in seen_plates:
                    raise ValidationError("车牌", _("Plate {plate} is already registered").format(plate=p))
                seen_plates.add(p)
        except ValidationError as exc:
            result.errors.append((number, f"{exc.field}: {exc.message}"))
            continue
        good.append((building, entrance, room, name, phone, plates))
    if result.errors and not skip_bad:
        return result
    with ctx.db.write() as session:
        for building, entrance, room, name, phone, plates in good:
            unit = ensure_unit(session, building, entrance, room)
            _insert_resident(session, unit, name, phone, plates)
        audit.record(session, ctx.actor, ctx.now(), "resident.import", "resident", "",
                     after={"file": Path(path).name, "rows": len(good), "skipped": len(result.errors)})
    result.imported = len(good)
    return result
