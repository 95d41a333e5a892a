"""A story's body as the typesetter takes it: its paragraphs with their markup, and its
dateline when the byline runs in.

In: a Story (paragraphs as printed plus `markup`: intertitles, bold and kai runs; see
layout/model/markup.py), the style and the fonts.  Out: a TextSetter whose first
paragraph may begin with the run-in dateline (电头) in the byline role's face, whose
marked runs are set in the hei and kai faces at the body size, and whose intertitles are
set in the intertitle role.  The dateline is in the setter's text (it breaks with the
paragraph) but its runs carry the role "byline", so fidelity checks never count it as
the story's text.
"""

from __future__ import annotations

import re

from layout.fonts.catalogue import FontBook
from layout.model.edition import BylineStyle, Emphasis, ParagraphKind, Story
from layout.model.styles import Style
from layout.text.typeset import FaceSpan, Intertitles, TextSetter, check_coverage

# the faces of body markup, at the body size (model/markup.py)
EMPHASIS_FACES = {Emphasis.BOLD: "hei", Emphasis.KAI: "kai"}
# a 电头: "本报讯", "新华社北京8月18日电", with or without the reporters in parentheses; a
# signature ("本报记者 陈静") is not one and is never run in
DATELINE = re.compile(r"(?:讯|电)(?:（[^（）]*）)?$")


def story_text(story: Story) -> str:
    return "".join(story.paragraphs)


def run_in_byline(story: Story, house: BylineStyle) -> str:
    """The byline to run into the first paragraph, or "" when it keeps its own line: only a
    dateline (电头) runs in, and only into a body paragraph."""
    how = story.byline_style or house
    if (how is BylineStyle.RUN_IN and story.byline and DATELINE.search(story.byline) and story.paragraphs
            and story.paragraph_markup(0).kind is ParagraphKind.BODY):
        return story.byline
    return ""


def run_in_lead(story: Story, house: BylineStyle) -> str:
    """What a run-in dateline puts before the first paragraph's text: the dateline, and an
    ideographic space unless it ends with its closing parenthesis; "" when it does not run in."""
    lead = run_in_byline(story, house)
    return lead + ("" if not lead or lead.endswith("）") else "\u3000")


def body_setter(story: Story, fonts: FontBook, style: Style, page: str = "") -> TextSetter:
    """The setter of a story's body: its paragraphs with their markup (bold and kai runs,
    intertitles) and, in the run-in byline style, the dateline run into the first paragraph
    in the byline role's face at the body size (followed by an ideographic space unless it
    ends with its closing parenthesis)."""
    body = style.role("body")
    texts = list(story.paragraphs)
    spans: list[tuple[FaceSpan, ...]] = [()] * len(texts)
    titles: set[int] = set()
    faces: dict[str, list[str]] = {body.face: [story_text(story)]}
    for i, mark in enumerate(story.markup):
        if mark.kind is ParagraphKind.INTERTITLE:
            titles.add(i)
        elif mark.spans:
            spans[i] = tuple(FaceSpan(sp.start, sp.end, fonts.metrics(EMPHASIS_FACES[sp.emphasis]))
                             for sp in mark.spans)
            for sp in mark.spans:
                faces.setdefault(EMPHASIS_FACES[sp.emphasis], []).append(texts[i][sp.start:sp.end])
    lead = run_in_lead(story, style.byline_style)
    if lead:
        face = style.role("byline").face
        faces.setdefault(face, []).append(lead)
        n = len(lead)
        texts[0] = lead + texts[0]
        spans[0] = (FaceSpan(0, n, fonts.metrics(face), "byline"),) + tuple(
            FaceSpan(sp.start + n, sp.end + n, sp.metrics) for sp in spans[0])
    intertitles = None
    if titles:
        role = style.role("intertitle")
        faces.setdefault(role.face, []).extend(texts[i] for i in titles)
        intertitles = Intertitles(frozenset(titles), fonts.metrics(role.face), role, style.leading,
                                  style.intertitle_space)
    for face, parts in faces.items():
        check_coverage(fonts, face, "".join(parts), story.id, page, story.where)
    return TextSetter(tuple(texts), fonts.metrics(body.face), body.size, style, latin_gap=body.latin_gap,
                      spans=tuple(spans) if any(spans) else (), intertitles=intertitles)


def marked_texts(story: Story, style: Style) -> list[tuple[str, str]]:
    """(face, text) of a story's marked runs and intertitles: what the fallback warnings
    check against the faces that set them."""
    out = []
    for text, mark in zip(story.paragraphs, story.markup):
        if mark.kind is ParagraphKind.INTERTITLE:
            out.append((style.role("intertitle").face, text))
        out += [(EMPHASIS_FACES[sp.emphasis], text[sp.start:sp.end]) for sp in mark.spans]
    return out
