"""Keep wide (CJK) characters whole where widgets overlap: the cause of toasts that lost
characters ("未  存", "钥  K0001 已归还").

Textual's compositor (``textual/_compositor.py``, ``Compositor._render_chops``) cuts every
screen line at the left and right edge of every widget on that line, in every layer, and
splits each widget's strip at those cuts with ``Strip.divide`` -> rich's
``Segment.divide``. A double-width character that straddles a cut cannot be split in two,
so rich replaces each half with a space. A toast (layer ``_toastrack``), a Select's list or
any other overlay is drawn over widgets whose edges fall inside its text: every wide
character lying across such an edge came out as two spaces, on full and partial screen
updates alike. Which character was lost depended only on what was under the toast.

``WideSafeCompositor`` does the same chopping, but where a wide character would straddle a
cut inside the region the widget itself shows (it wins the chops on both sides of the cut)
it moves that character one cell to the right, taking the cell from the last space on the
line (toasts and labels end in padding), so the character is drawn whole. ``install()``
makes every screen of the app use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import cast

from rich.cells import cell_len
from rich.segment import Segment
from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip


def _straddles(strip: Strip, cuts: Iterable[int]) -> bool:
    """Whether a wide character of ``strip`` lies across one of ``cuts`` (relative cells)."""
    wanted = set(cuts)
    if not wanted:
        return False
    x = 0
    for seg in strip:
        if seg.control:
            continue
        for ch in seg.text:
            w = cell_len(ch)
            if w == 2 and x + 1 in wanted:
                return True
            x += w
    return False


def keep_wide(strip: Strip, cuts: Sequence[int]) -> Strip:
    """``strip`` with each wide character that straddles one of ``cuts`` moved right by
    one cell (the cell taken from the last space after it); unchanged if none does
    or if there is no space to take."""
    if not cuts or len(strip.text) == strip.cell_length or not _straddles(strip, cuts):
        return strip
    if any(seg.control for seg in strip):
        return strip
    cells: list[tuple[str, object]] = [(ch, seg.style) for seg in strip for ch in seg.text]
    for cut in sorted(cuts):
        x = 0
        for i, (ch, _style) in enumerate(cells):
            w = cell_len(ch)
            if w == 2 and x < cut < x + w:
                # the last space of the line (a toast's padding): the words keep their spaces
                space = next((j for j in range(len(cells) - 1, i, -1) if cells[j][0] == " "), None)
                if space is not None:
                    filler = cells.pop(space)
                    cells.insert(i, (" ", cells[i - 1][1] if i else filler[1]))
                break
            if x >= cut:
                break
            x += w
    segments: list[Segment] = []
    for ch, style in cells:
        if segments and segments[-1].style is style:
            segments[-1] = Segment(segments[-1].text + ch, style)  # type: ignore[arg-type]
        else:
            segments.append(Segment(ch, style))  # type: ignore[arg-type]
    return Strip(segments, strip.cell_length)


class WideSafeCompositor(Compositor):
    def _render_chops(  # type: ignore[override]
        self,
        crop: Region,
        is_rendered_line: Callable[[int], bool],
    ) -> Sequence[Mapping[int, Strip]]:
        """``Compositor._render_chops`` (Textual 8.2) with ``keep_wide`` before the cut."""
        cuts = self.cuts
        fromkeys = cast("Callable[[list[int]], dict[int, Strip | None]]", dict.fromkeys)
        chops: list[dict[int, Strip | None]] = [fromkeys(cut_set[:-1]) for cut_set in cuts]
        renders = self._get_renders(crop)
        intersection = Region.intersection
        for region, clip, strips in renders:
            render_region = intersection(region, clip)
            render_x = render_region.x
            first_cut, last_cut = render_region.column_span
            for y, strip in zip(render_region.line_range, strips):
                if not is_rendered_line(y):
                    continue
                chops_line = chops[y]
                final_cuts = [cut for cut in cuts[y] if (last_cut >= cut >= first_cut)]
                get_chops_line = chops_line.get
                # the interior cuts this render shows on both sides (an overlay's text over
                # another widget's edge); a cut hidden on one side is left as it was
                inner = [final_cuts[j] - render_x for j in range(1, len(final_cuts) - 1)
                         if get_chops_line(final_cuts[j - 1]) is None and get_chops_line(final_cuts[j]) is None]
                if inner:
                    strip = keep_wide(strip, inner)
                cut_strips = strip.divide([cut - render_x for cut in final_cuts[1:]])
                for cut, piece in zip(final_cuts, cut_strips):
                    if get_chops_line(cut) is None:
                        chops_line[cut] = piece
        return cast("Sequence[Mapping[int, Strip]]", chops)


def install() -> None:
    """Every Screen made from now on composes with WideSafeCompositor (Screen.__init__
    builds its compositor from the name in ``textual.screen``)."""
    import textual.screen

    textual.screen.Compositor = WideSafeCompositor  # type: ignore[misc]
