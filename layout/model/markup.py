"""Body markup: the small Markdown subset a story body may use, and nothing more.

    ## 小标题          a paragraph that is an intertitle (小标题), set in its own role
    **加粗**           bold: the hei (黑体) face at the body size (a lead-in, a key phrase)
    *楷体*             楷体: the kai face at the body size (Chinese has no italic)
    \\*                a literal asterisk (and `\\#` at a paragraph's start: a literal #)

It applies to every body form (a .txt or .md file, inline text, a list of paragraphs);
paragraphs are still separated by blank lines, and a `## ` line is a paragraph of its own
even without blank lines around it (bodies.split_paragraphs).  Everything else is literal
text: an asterisk that closes nothing prints as an asterisk, `#`, `>`, `-`, `_` and
backticks mean nothing.  An opening mark must be followed, and a closing mark preceded,
by a character that is not a space (so `3 * 4 * 5` stays arithmetic); marks do not nest
(inside `**…**` a single `*` is literal); marks inside an intertitle are removed.

In: raw paragraphs (bodies.split_paragraphs).  Out: the paragraphs as printed (markup
characters removed: what fidelity checks compare) and one `Markup` per paragraph, or no
markup at all when the body uses none, so plain stories cost nothing downstream.
"""

from __future__ import annotations

from layout.model.edition import Emphasis, Markup, ParagraphKind, Span

INTERTITLE_MARK = "## "
_ESCAPED_HASH = "\\#"


def parse_body(paragraphs: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[Markup, ...]]:
    """Plain paragraphs and their markup; the markup is () when no paragraph has any."""
    if not any("*" in p or p.startswith((INTERTITLE_MARK, _ESCAPED_HASH)) for p in paragraphs):
        return paragraphs, ()
    texts: list[str] = []
    marks: list[Markup] = []
    for p in paragraphs:
        text, mark = parse_paragraph(p)
        texts.append(text)
        marks.append(mark)
    if all(m.kind is ParagraphKind.BODY and not m.spans for m in marks):
        return tuple(texts), ()
    return tuple(texts), tuple(marks)


def parse_paragraph(raw: str) -> tuple[str, Markup]:
    """One paragraph's printed text and markup."""
    if raw.startswith(INTERTITLE_MARK) and raw[len(INTERTITLE_MARK):].strip():
        text, _ = parse_inline(raw[len(INTERTITLE_MARK):].strip())
        return text, Markup(ParagraphKind.INTERTITLE)
    if raw.startswith(_ESCAPED_HASH):
        raw = raw[1:]
    text, spans = parse_inline(raw)
    return text, Markup(ParagraphKind.BODY, spans)


def _closer(text: str, start: int, mark: str) -> int:
    """Index of the first unescaped `mark` at or after `start` that closes a run begun just
    before `start` (preceded by a non-space, at least one character of content), or -1."""
    n, k = len(text), start
    while k < n:
        c = text[k]
        if c == "\\" and text.startswith("*", k + 1):
            k += 2
            continue
        if c == "*" and text.startswith(mark, k) and k > start and not text[k - 1].isspace():
            return k
        k += 1
    return -1


def parse_inline(raw: str) -> tuple[str, tuple[Span, ...]]:
    """`**bold**`, `*kai*` and `\\*` in one paragraph: the printed text and its spans."""
    if "*" not in raw:
        return raw, ()
    out: list[str] = []
    spans: list[Span] = []
    pos = 0  # length of the printed text so far
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c == "\\" and raw.startswith("*", i + 1):
            out.append("*")
            pos += 1
            i += 2
            continue
        if c != "*":
            j = i + 1
            while j < n and raw[j] not in "*\\":
                j += 1
            out.append(raw[i:j])
            pos += j - i
            i = j
            continue
        double = raw.startswith("**", i)
        mark = "**" if double else "*"
        body = i + len(mark)
        close = -1
        if body < n and not raw[body].isspace() and (double or raw[body] != "*"):
            close = _closer(raw, body, mark)
        if close < 0:  # closes nothing: a literal asterisk
            out.append("*")
            pos += 1
            i += 1
            continue
        inner = raw[body:close].replace("\\*", "*")
        out.append(inner)
        spans.append(Span(pos, pos + len(inner), Emphasis.BOLD if double else Emphasis.KAI))
        pos += len(inner)
        i = close + len(mark)
    return "".join(out), tuple(spans)


def strip_markup(raw: str) -> str:
    """The printed text of a raw paragraph (what fidelity compares with the page)."""
    return parse_paragraph(raw)[0]
