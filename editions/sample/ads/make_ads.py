"""Draw the sample edition's booked ads and its infographic as CMYK PDFs (run once; the
outputs are committed beside this file).

    python editions/sample/ads/make_ads.py

The sample needs ads as an agency would deliver them (PDF/X-1a-like: one page at the
booked size, CMYK only, fonts embedded, no transparency, total ink under 220 %) and a
graphics-desk infographic, without shipping anybody's real artwork.  Everything is drawn
with ReportLab in DeviceCMYK; text is set in the project's own Hei face (fonts/, OFL),
embedded as a subset.  ReportLab's invariant mode makes the bytes the same on every run.

Sizes: a broadsheet column is 13 em of 9 pt plus a 1 em gutter, so 8 columns (8栏) are
999 pt (352.4 mm) wide; booked heights are in cm.  The artwork must be that size within
±0.5 mm (layout.page.ads).
"""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent
FONTS = HERE.parents[2] / "fonts"
CM = 72 / 2.54
EIGHT_COLUMNS = 8 * 13 * 9 + 7 * 9  # pt: 8栏 of the broadsheet grid
GRAPHICS = HERE.parent / "graphics"

RED = (0, 1, 1, 0)  # 200 %
NAVY = (1, 0.7, 0, 0.3)  # 200 %
GOLD = (0, 0.25, 0.9, 0.05)
CREAM = (0, 0.04, 0.15, 0)
BLACK = (0, 0, 0, 1)
WHITE = (0, 0, 0, 0)
GREY = (0, 0, 0, 0.45)


def fonts() -> None:
    pdfmetrics.registerFont(TTFont("Hei", str(FONTS / "LayoutHeiSC-Bold.ttf")))
    pdfmetrics.registerFont(TTFont("Song", str(FONTS / "LayoutSongSC-Regular.ttf")))


def page(path: Path, w: float, h: float, title: str) -> canvas.Canvas:
    c = canvas.Canvas(str(path), pagesize=(w, h), invariant=1, initialFontName="Hei", initialFontSize=9)
    c.setTitle(title)
    c.setAuthor("layout sample")
    c.setCreator("editions/sample/ads/make_ads.py")
    return c


def fill(c: canvas.Canvas, cmyk: tuple) -> None:
    c.setFillColorCMYK(*cmyk)


def centred(c: canvas.Canvas, text: str, x: float, y: float, face: str, size: float, cmyk: tuple) -> None:
    fill(c, cmyk)
    c.setFont(face, size)
    c.drawCentredString(x, y, text)


def half_page_bank(path: Path) -> None:
    """半版 8栏×24cm: a bank's autumn savings campaign."""
    w, h = EIGHT_COLUMNS, 24 * CM
    c = page(path, w, h, "江城农商银行 秋季理财节")
    fill(c, NAVY)
    c.rect(0, 0, w, h, fill=1, stroke=0)
    fill(c, GOLD)
    c.rect(0, h * 0.30, w, 6, fill=1, stroke=0)
    for i in range(12):  # a fan of gold rays behind the title
        fill(c, (0, 0.15 + 0.02 * (i % 3), 0.6, 0.05))
        c.wedge(w * 0.78 - 220, h * 0.62 - 220, w * 0.78 + 220, h * 0.62 + 220, 15 * i, 7, fill=1, stroke=0)
    centred(c, "江城农商银行", w * 0.30, h * 0.76, "Hei", 64, WHITE)
    centred(c, "秋季理财节", w * 0.30, h * 0.58, "Hei", 96, GOLD)
    centred(c, "9月1日—10月31日 · 新客户专享理财产品", w * 0.30, h * 0.44, "Song", 28, WHITE)
    fill(c, CREAM)
    c.roundRect(w * 0.60, h * 0.38, w * 0.34, h * 0.40, 16, fill=1, stroke=0)
    centred(c, "3.15%", w * 0.77, h * 0.58, "Hei", 72, RED)
    centred(c, "业绩比较基准（年化）", w * 0.77, h * 0.48, "Song", 22, BLACK)
    centred(c, "客服热线 96XXX · 全市218个网点 · 手机银行同步发售", w / 2, h * 0.17, "Song", 26, WHITE)
    centred(c, "理财非存款，产品有风险，投资须谨慎", w / 2, h * 0.07, "Song", 18, CREAM)
    c.showPage()
    c.save()


def strip(path: Path, title: str, line1: str, line2: str, colour: tuple) -> None:
    """通栏 8栏×5cm at the foot of a special-section page."""
    w, h = EIGHT_COLUMNS, 5 * CM
    c = page(path, w, h, title)
    fill(c, colour)
    c.rect(0, 0, w, h, fill=1, stroke=0)
    fill(c, CREAM)
    c.rect(8, 8, w * 0.30, h - 16, fill=1, stroke=0)
    centred(c, title, 8 + w * 0.15, h / 2 - 14, "Hei", 40, colour)
    c.setFont("Hei", 34)
    fill(c, WHITE)
    c.drawString(w * 0.34, h * 0.56, line1)
    c.setFont("Song", 22)
    c.drawString(w * 0.34, h * 0.20, line2)
    c.showPage()
    c.save()


def infographic(path: Path) -> None:
    """A bar chart for the graphics desk: 上半年主要经济指标增速 (vector, CMYK, Chinese labels)."""
    w, h = 369.0, 300.0  # drawn for a 3-column frame; placed scaled to fit
    data = [("地区生产总值", 6.1), ("高技术制造业", 15.3), ("社会消费品零售", 7.2), ("进出口总额", 8.3),
            ("居民人均收入", 5.8)]
    c = page(path, w, h, "上半年主要经济指标增速")
    fill(c, CREAM)
    c.rect(0, 0, w, h, fill=1, stroke=0)
    centred(c, "上半年主要经济指标增速（%）", w / 2, h - 30, "Hei", 17, NAVY)
    left, top, bar_h, gap = 104.0, h - 62, 30.0, 14.0
    scale = (w - left - 50) / 16
    c.setStrokeColorCMYK(*GREY)
    c.setLineWidth(0.5)
    for i, (label, value) in enumerate(data):
        y = top - i * (bar_h + gap) - bar_h
        fill(c, RED if value == max(v for _, v in data) else NAVY)
        c.rect(left, y, value * scale, bar_h, fill=1, stroke=0)
        fill(c, BLACK)
        c.setFont("Song", 12)
        c.drawRightString(left - 8, y + bar_h / 2 - 4, label)
        c.setFont("Hei", 13)
        c.drawString(left + value * scale + 6, y + bar_h / 2 - 4.5, f"{value}")
    c.line(left, 24, left, top + 4)
    fill(c, GREY)
    c.setFont("Song", 10)
    c.drawString(12, 8, "数据来源：江城市统计局")
    c.showPage()
    c.save()


def main() -> None:
    fonts()
    GRAPHICS.mkdir(exist_ok=True)
    half_page_bank(HERE / "bank-autumn.pdf")
    strip(HERE / "strip-home-expo.pdf", "秋季家居博览会", "8月26日—28日 江城国际会展中心", "凭身份证免费入场 · 200余家品牌参展 · 现场订购享补贴", RED)
    strip(HERE / "strip-water.pdf", "长江源纯净水", "一瓶好水 源自长江", "家庭桶装水订购热线 96XXX · 全城免费送水上门", NAVY)
    strip(HERE / "strip-bookfair.pdf", "江城书展", "9月5日—9日 江城图书馆新馆", "十万种图书 · 百场阅读活动 · 作家签售", (0.85, 0, 0.6, 0.25))
    infographic(GRAPHICS / "h1-growth.pdf")


if __name__ == "__main__":
    main()
