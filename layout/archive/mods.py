"""MODS 3.7 records for the METS file's dmdSecs: the issue and each article.

In: the edition (paper, date, number, sections) or a story.  Out: a `mods:mods` element
as text, for `mdWrap MDTYPE="MODS"/xmlData`.

Why by hand: there is no MODS schema among the vendored ones, and METS declares xmlData
`processContents="lax"`, so validation checks only that the MODS is well-formed.  These
records use only these MODS 3.7 elements, as the standard defines them: titleInfo,
typeOfResource, genre, originInfo/dateIssued (w3cdtf), language/languageTerm,
physicalDescription, part/detail/number, part/extent, relatedItem type="constituent",
note type="statement of responsibility", identifier; a test checks that every top-level
element is one MODS 3.7 allows there.
"""

from __future__ import annotations

from layout.archive.alto import esc
from layout.model.edition import Edition, Story

MODS_NS = "http://www.loc.gov/mods/v3"
MODS_VERSION = "3.7"
LANGUAGE = ('<mods:language><mods:languageTerm type="code" authority="iso639-2b">chi</mods:languageTerm>'
            '<mods:languageTerm type="code" authority="rfc5646">zh</mods:languageTerm></mods:language>')


def _text(tag: str, value: str, attrs: str = "") -> str:
    return f"<mods:{tag}{attrs}>{esc(value)}</mods:{tag}>"


def issue_mods(edition: Edition, pages: int, sections: list[tuple[str, list[str]]]) -> str:
    """The issue: paper, date, issue number, language, its pages and its sections (name,
    first and last page label) as constituent parts."""
    date = edition.date.isoformat()
    out = [f'<mods:mods version="{MODS_VERSION}">',
           f"<mods:titleInfo>{_text('title', edition.paper)}</mods:titleInfo>",
           "<mods:typeOfResource>text</mods:typeOfResource>",
           _text("genre", "newspaper", ' authority="marcgt"'),
           "<mods:originInfo>" + _text("dateIssued", date, ' encoding="w3cdtf" keyDate="yes"')
           + "<mods:issuance>serial</mods:issuance></mods:originInfo>",
           LANGUAGE,
           "<mods:physicalDescription>" + _text("form", "electronic", ' authority="marcform"')
           + _text("internetMediaType", "application/pdf") + _text("extent", str(pages), ' unit="pages"')
           + "</mods:physicalDescription>"]
    for name, labels in sections:
        out.append(f'<mods:relatedItem type="constituent"><mods:titleInfo>{_text("title", name)}</mods:titleInfo>'
                   f'<mods:part><mods:extent unit="pages">{_text("start", labels[0])}{_text("end", labels[-1])}'
                   "</mods:extent></mods:part></mods:relatedItem>")
    number = (f'<mods:detail type="issue">{_text("number", str(edition.number))}</mods:detail>'
              if edition.number is not None else "")
    out.append("<mods:part>" + number + _text("date", date, ' encoding="w3cdtf"') + "</mods:part>")
    out.append("</mods:mods>")
    return "".join(out)


def article_mods(story: Story, pages: list[str], section: str) -> str:
    """An article: headline and subhead as its title, the kicker as an alternative title,
    the byline as its statement of responsibility, its id, section and pages."""
    out = [f'<mods:mods version="{MODS_VERSION}">']
    if story.headline is not None and story.headline.text:
        sub = _text("subTitle", story.subhead) if story.subhead else ""
        out.append(f"<mods:titleInfo>{_text('title', story.headline.text)}{sub}</mods:titleInfo>")
    if story.kicker:
        out.append(f'<mods:titleInfo type="alternative" displayLabel="kicker">{_text("title", story.kicker)}'
                   "</mods:titleInfo>")
    out += ["<mods:typeOfResource>text</mods:typeOfResource>", _text("genre", "article"), LANGUAGE]
    if story.byline:
        out.append(_text("note", story.byline, ' type="statement of responsibility"'))
    out.append(_text("identifier", story.id, ' type="local"'))
    out.append('<mods:part><mods:detail type="section">' + _text("title", section) + "</mods:detail>"
               '<mods:extent unit="pages">' + _text("list", ", ".join(pages)) + "</mods:extent></mods:part>")
    out.append("</mods:mods>")
    return "".join(out)
