"""Ad files for the tests, drawn with ReportLab (and Pillow) into a test's folder, and a
one-page edition that books them.  Test-only."""

from __future__ import annotations

import textwrap
from pathlib import Path

from PIL import Image as PILImage
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parents[2]
CM = 72 / 2.54
EIGHT = 999.0  # pt: 8 columns of the broadsheet grid (8 x 117 + 7 x 9)
AD_TEXT = "江城银行秋季理财"
TEXT_AT = (40.0, 60.0)  # where the ad's text starts, in the ad's own space (origin bottom left)
TEXT_SIZE = 30.0


def _font() -> str:
    if "AdHei" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("AdHei", str(ROOT / "fonts" / "LayoutHeiSC-Bold.ttf")))
    return "AdHei"


def pdf_ad(path: Path, w: float = EIGHT, h: float = 17 * CM, rgb: bool = False, ink: tuple | None = None,
           embedded: bool = True, encrypt: bool = False, spot: bool = False) -> Path:
    """A one-page ad of w x h pt: a tinted background, AD_TEXT in black at TEXT_AT."""
    face = _font() if embedded else "Helvetica"
    c = canvas.Canvas(str(path), pagesize=(w, h), invariant=1, initialFontName=face, initialFontSize=9,
                      encrypt="secret" if encrypt else None)
    if rgb:
        c.setFillColorRGB(0.9, 0.2, 0.1)
    elif spot:
        from reportlab.lib.colors import CMYKColorSep

        c.setFillColor(CMYKColorSep(0, 0.5, 1, 0, spotName="PANTONE 151 C", density=1))
    else:
        c.setFillColorCMYK(*(ink or (0, 0.2, 0.9, 0)))
    c.rect(0, 0, w, h, fill=1, stroke=0)
    c.setFillColorCMYK(0, 0, 0, 1)
    c.setFont(face, TEXT_SIZE)
    c.drawString(TEXT_AT[0], TEXT_AT[1], AD_TEXT if embedded else "BANK AUTUMN")
    c.showPage()
    c.save()
    return path


def jpeg_ad(path: Path, w_pt: float = EIGHT, h_pt: float = 5 * CM, ppi: int = 300, mode: str = "CMYK") -> Path:
    """A JPEG ad of w x h pt at `ppi` (recorded in the file)."""
    px = (round(w_pt / 72 * ppi), round(h_pt / 72 * ppi))
    colour = (0, 60, 200, 0) if mode == "CMYK" else (200, 60, 20)
    PILImage.new(mode, px, colour).save(path, quality=90, dpi=(ppi, ppi))
    return path


def ad_edition(root: Path, ad: str, story_lines: int = 60, chars: int = 4000, extra: str = "") -> Path:
    """A one-page edition: a story across the page from line 0 and the ad entry `ad` (YAML
    flow mapping text, one line) under `ads:`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "edition.yaml").write_text(textwrap.dedent(f"""\
        edition: {{paper: 江城日报, date: 2026-08-19, number: 1, style: broadsheet}}
        sections:
          - {{id: A, name: 要闻, pages: 1}}
        pages:
          A1:
            stories:
              - id: s1
                frame: {{col: 1, span: 8, top: 0, lines: {story_lines}}}
                headline: 测试稿件
                body: {{filler: {{seed: 3, chars: {chars}}}}}
            ads:
              - {ad}
        """) + extra, encoding="utf-8")
    return root / "edition.yaml"
