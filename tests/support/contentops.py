"""Read a page's content stream as a press would (test-only): which marks are painted with
overprint on, in which colour, and where the stroked lines run.

`painted(page)` walks the operators of a pypdf page (and of the Form XObjects it places,
recursively), keeping the graphics state that matters here (q/Q, the ExtGState's OP/op,
fill and stroke colour, the CTM for lines) and returns one `Mark` per painting operator:
text shown, a path stroked or filled, an XObject placed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

_TOKEN = re.compile(rb"\((?:\\.|[^\\)])*\)|<<|>>|<[0-9A-Fa-f\s]*>|/[^\s/\[\]()<>{}%]*|[-+]?(?:\d+\.?\d*|\.\d+)"
                    rb"|[A-Za-z'\"*]+\d?\*?|\[|\]|%[^\n]*")


@dataclass(frozen=True)
class State:
    op_stroke: bool = False
    op_fill: bool = False
    stroke: tuple[float, ...] = (0.0,)  # grey 0 = black (DeviceGray default)
    fill: tuple[float, ...] = (0.0,)
    ctm: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Mark:
    kind: str  # text, stroke, fill, fillstroke, xobject
    state: State
    segments: tuple[tuple[float, float, float, float], ...] = ()  # stroked lines, page space
    where: str = ""  # the form it is in ("" = the page's own stream)


def black(colour: tuple[float, ...]) -> bool:
    """100 % K only (CMYK 0 0 0 1, or grey 0)."""
    if len(colour) == 4:
        return colour[3] >= 1 and not any(colour[:3])
    return len(colour) == 1 and colour[0] == 0


def _mul(a, b):
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _pt(ctm, x, y):
    return (ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5])


def painted(page) -> list[Mark]:
    res = page.get("/Resources")
    return _walk(page.get_contents().get_data(), res.get_object() if res is not None else {}, State(), "")


def _walk(data: bytes, res, state: State, where: str) -> list[Mark]:
    out: list[Mark] = []
    stack: list[State] = []
    operands: list[bytes] = []
    path: list[tuple[float, float, float, float]] = []
    cur = start = (0.0, 0.0)
    gstates = res.get("/ExtGState") or {}
    xobjects = res.get("/XObject") or {}
    depth = 0  # inside a dictionary or array operand
    for tok in _TOKEN.findall(data):
        if tok in (b"<<", b"["):
            depth += 1
            operands.append(tok)
            continue
        if tok in (b">>", b"]"):
            depth -= 1
            operands.append(tok)
            continue
        if depth or tok[:1] in b"(</%" or re.fullmatch(rb"[-+]?(?:\d+\.?\d*|\.\d+)", tok) or tok in (b"true", b"false"):
            if tok[:1] != b"%":
                operands.append(tok)
            continue
        op, nums = tok.decode(), [float(t) for t in operands if re.fullmatch(rb"[-+]?(?:\d+\.?\d*|\.\d+)", t)]
        if op == "q":
            stack.append(state)
        elif op == "Q":
            state = stack.pop()
        elif op == "cm":
            state = replace(state, ctm=_mul(tuple(nums[-6:]), state.ctm))
        elif op == "gs":
            gs = gstates[operands[-1].decode()].get_object()
            stroke = gs.get("/OP")
            fill = gs.get("/op", stroke)  # op defaults to OP
            state = replace(state, op_stroke=state.op_stroke if stroke is None else stroke == True,  # noqa: E712
                            op_fill=state.op_fill if fill is None else fill == True)  # noqa: E712 - pypdf BooleanObject
        elif op in ("k", "g", "sc", "scn") and nums:
            state = replace(state, fill=tuple(nums))
        elif op in ("K", "G", "SC", "SCN") and nums:
            state = replace(state, stroke=tuple(nums))
        elif op in ("rg", "RG"):
            state = replace(state, **{"fill" if op == "rg" else "stroke": (-1.0, -1.0, -1.0)})  # RGB: never black
        elif op == "m":
            cur = start = _pt(state.ctm, *nums[-2:])
        elif op == "l":
            nxt = _pt(state.ctm, *nums[-2:])
            path.append((*cur, *nxt))
            cur = nxt
        elif op == "re":
            x, y, w, h = nums[-4:]
            pts = [_pt(state.ctm, *p) for p in ((x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y))]
            path += [(*a, *b) for a, b in zip(pts, pts[1:])]
        elif op == "h":
            path.append((*cur, *start))
        elif op in ("S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"):
            kind = {"S": "stroke", "s": "stroke", "n": ""}.get(op, "fillstroke" if op[0] in "Bb" else "fill")
            if kind:
                out.append(Mark(kind, state, tuple(path), where))
            path = []
        elif op in ("Tj", "TJ", "'", '"'):
            out.append(Mark("text", state, (), where))
        elif op == "Do":
            name = operands[-1].decode()
            xo = xobjects[name].get_object()
            out.append(Mark("xobject", state, (), where))
            if xo.get("/Subtype") == "/Form":
                m = tuple(float(v) for v in xo.get("/Matrix", [1, 0, 0, 1, 0, 0]))
                sub = xo.get("/Resources")
                out += _walk(xo.get_data(), sub.get_object() if sub is not None else res,
                             replace(state, ctm=_mul(m, state.ctm)), f"{where}{name}/")
        operands = []
    return out
