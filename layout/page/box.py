"""Boxes: a bordered frame with an optional title and short text (资料, 链接 panels).

In: a Box of the edition model, a Placer.  Out: its border, title and text runs, and an
overset Finding when its text needs more lines than the frame has (an underset one when it
has three or more to spare), in the manifest's units: the `lines:` that fits.
"""

from __future__ import annotations

from layout.errors import Finding
from layout.model.edition import Box, Page
from layout.model.manifest import split_paragraphs
from layout.page.display import GlyphRun, Marker, Rect
from layout.page.fit import lines_advice, plural
from layout.page.place import Placer, color
from layout.text.typeset import TextLine, set_block


def compose_box(placer: Placer, page: Page, bx: Box) -> tuple[list, list[Finding]]:
    """The box's text is centred vertically in the lines its title leaves inside the border."""
    st, g, fonts = placer.style, placer.grid, placer.fonts
    fr = bx.frame
    area = g.frame_area(fr)
    first = fr.top  # the box's own border separates it: no rule line above it
    items: list = []
    y0 = g.line_y(first) + st.leading * 0.25
    y1 = g.line_y(fr.bottom) - st.leading * 0.25
    pad = st.box_padding_chars * st.em
    items.append(Rect(area.x, y0, area.w, y1 - y0, st.box_weight))
    items.append(Marker(area.x, area.y, area.w, area.h, "frame", bx.id))
    measure = area.w - 2 * pad
    line = first + 1
    findings: list[Finding] = []
    if bx.title:
        role = st.role("box_title")
        blk = set_block(bx.title, role, fonts, measure, st, story=bx.id, page=page.label, where=bx.where,
                        justify=False)
        its, used = placer.block(blk, area.x + pad, line, role, bx.id, "box_title")
        items += its
        line += used
    role = st.role("box")
    box_lines: list[TextLine] = []
    for para in split_paragraphs(bx.text.replace("\n", "\n\n")):
        box_lines += set_block(para, role, fonts, measure, st, story=bx.id, page=page.label,
                               where=bx.where).lines
    room = fr.bottom - 1 - line
    n = len(box_lines)
    findings += box_fit_findings(page, bx, n, room, box_lines)
    line += max(0, (room - n) // 2)
    asc = fonts.metrics(role.face).face.ascent
    for i, tl in enumerate(box_lines[:max(room, 0)]):
        base = g.baseline(line + i, role.size, asc)
        for r in tl.runs:
            items.append(GlyphRun(area.x + pad + r.x, base, r.face, role.size, r.text, r.tc, color(role), False,
                                  bx.id, "box"))
    return items, findings


def box_fit_findings(page: Page, bx: Box, n: int, room: int, box_lines: list[TextLine]) -> list[Finding]:
    """A box's text is one column, one text line per grid line: its `lines:` fits when the
    lines inside the border (less its title) hold the text."""
    fr = bx.frame
    fit = fr.lines + n - room
    data = {"story": bx.id, "box": bx.id, "page": page.label, "lines": fr.lines, "lines_fit": fit,
            "lines_change": fit - fr.lines, "frame": f"col {fr.col} span {fr.span} top {fr.top} lines {fr.lines}"}
    if n > room:
        cut = sum(len(r.text.replace(" ", "")) for tl in box_lines[max(room, 0):] for r in tl.runs)
        return [Finding("error", "overset", f"{page.label}/{bx.id}",
                        f"overset: box {bx.id!r} on {page.label} needs {plural(n, 'text line')}, has {room}; "
                        f"make it {lines_advice(fr.lines, fit)}, or cut ≈ {cut} 字 "
                        f"(需增加 {fit - fr.lines} 行 / 删 {cut} 字)", {**data, "chars_left": cut})]
    if room - n > 2:
        return [Finding("warning", "underset", f"{page.label}/{bx.id}",
                        f"underset: box {bx.id!r} on {page.label} has {plural(room - n, 'empty line')} around "
                        f"its text; make it {lines_advice(fr.lines, fit)} (可减少 {room - n} 行)",
                        {**data, "empty_lines": room - n})]
    return []
