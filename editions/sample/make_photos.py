"""Draw the sample edition's "photos" with Pillow (run once; the outputs are committed).

    python editions/sample/make_photos.py

The sample edition needs pictures that look like news photos from a distance —
a lab, a bridge, a street, a wetland, a stadium, a portrait — without shipping
anybody's real photographs.  Each picture is built from gradients, shapes and a
little seeded grain; there is no text in them.  The script is deterministic
(its own random.Random per picture), so re-running it gives the same pixels.

Sizes are chosen for >= 200 ppi at the largest frame each picture fills in
edition.yaml (see PORTRAIT and LANDSCAPE), while each file stays under 400 KB
and all of them under 2 MB.  Formats cover what the
renderer must handle: RGB JPEG (quality 85), a greyscale PNG and a CMYK JPEG.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

OUT = Path(__file__).resolve().parent / "photos"
QUALITY = 85
# Delivery sizes.  A 3-column frame is 41 em = 369 pt wide, a 4-column one 55 em = 495 pt;
# at 200 ppi that is 1025 and 1375 px.  Portrait pictures fill 3-column frames up to 36
# lines deep (about 33 lines of picture = 1240 px), landscape ones 4-column frames and
# 3-column frames about 30 lines deep (a cover crop then keeps 1222 px of height).
PORTRAIT = (1096, 1300)    # drawn at 960 x 1140
LANDSCAPE = (1680, 1222)   # drawn at 1320 x 960


# ----------------------------------------------------------------- helpers
def lerp(a: tuple, b: tuple, t: float) -> tuple:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def vertical_gradient(size: tuple[int, int], stops: list[tuple[float, tuple]]) -> Image.Image:
    """RGB image whose colour runs through `stops` [(position 0..1, colour)] top to bottom."""
    w, h = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for y in range(h):
        t = y / max(1, h - 1)
        for (p0, c0), (p1, c1) in zip(stops, stops[1:]):
            if p0 <= t <= p1:
                draw.line([(0, y), (w, y)], fill=lerp(c0, c1, (t - p0) / max(1e-9, p1 - p0)))
                break
    return img


def glow(img: Image.Image, centre: tuple[int, int], radius: int, colour: tuple, strength: float = 1.0) -> None:
    """Add a soft radial light (in place)."""
    # Pillow's radial gradient is 0 at the centre and 181 at the middle of an edge.
    mask = Image.radial_gradient("L").resize((2 * radius, 2 * radius))
    mask = mask.point(lambda v: int(255 * strength * max(0.0, 1 - v / 181) ** 2))
    patch = Image.new("RGB", mask.size, colour)
    img.paste(patch, (centre[0] - radius, centre[1] - radius), mask)


def grain(img: Image.Image, rng: random.Random, amount: int = 14, blur: float = 0.8) -> Image.Image:
    """Seeded film grain: uniform noise, slightly blurred, centred on zero."""
    w, h = img.size
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    noise = noise.filter(ImageFilter.GaussianBlur(blur)).point(lambda v: v * amount // 255)
    if img.mode == "RGB":
        noise = Image.merge("RGB", (noise, noise, noise))
    return ImageChops.add(img, noise, 1.0, -amount // 2)


def soften(img: Image.Image, radius: float = 1.2) -> Image.Image:
    return img.filter(ImageFilter.GaussianBlur(radius))


def enlarge(img: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Scale a finished drawing up to its delivery size (before the grain goes on)."""
    return img.resize(size, Image.LANCZOS)


# ---------------------------------------------------------------- pictures
def lab(rng: random.Random) -> Image.Image:
    """An optoelectronics lab: dark room, benches, glowing instruments, a researcher."""
    w, h = 960, 1140
    img = vertical_gradient((w, h), [(0, (18, 32, 52)), (0.55, (30, 58, 80)), (1, (58, 70, 78))])
    d = ImageDraw.Draw(img)
    # back wall panels and ceiling lights
    for x in range(0, w, 160):
        d.rectangle([x + 6, 90, x + 150, 520], fill=(34, 60, 84), outline=(44, 74, 98), width=3)
    for x in range(80, w, 220):
        glow(img, (x, 40), 120, (190, 220, 255), 0.55)
    # optical table in perspective
    d.polygon([(60, 760), (900, 760), (960, 1140), (0, 1140)], fill=(70, 78, 86))
    for i in range(14):
        y = 760 + i * i * 2 + i * 8
        d.line([(0, y), (w, y)], fill=(84, 92, 100), width=2)
    # instruments with status lights
    for _ in range(9):
        x, y = rng.randrange(60, 860), rng.randrange(560, 720)
        bw, bh = rng.randrange(60, 130), rng.randrange(50, 120)
        d.rectangle([x, y, x + bw, y + bh], fill=(46, 52, 60), outline=(96, 104, 112), width=2)
        for k in range(3):
            c = rng.choice([(90, 255, 140), (255, 170, 60), (90, 190, 255)])
            d.ellipse([x + 10 + k * 16, y + 10, x + 20 + k * 16, y + 20], fill=c)
    # laser beams
    for _ in range(4):
        y0 = rng.randrange(800, 950)
        d.line([(rng.randrange(0, 300), y0), (rng.randrange(600, 960), y0 + rng.randrange(-60, 60))],
               fill=(80, 255, 170), width=3)
    glow(img, (480, 880), 260, (60, 200, 160), 0.35)
    # researcher in a white coat, seen from behind
    d = ImageDraw.Draw(img)
    d.ellipse([560, 430, 650, 530], fill=(40, 32, 30))
    d.polygon([(520, 540), (690, 540), (720, 900), (500, 900)], fill=(222, 228, 232))
    d.line([(605, 545), (605, 900)], fill=(190, 196, 200), width=4)
    d.polygon([(520, 560), (470, 760), (500, 770), (545, 600)], fill=(210, 216, 222))
    img = soften(img, 1.0)
    img = enlarge(img, PORTRAIT)
    return grain(img, rng, 12)


def bridge(rng: random.Random) -> Image.Image:
    """A cable-stayed bridge over a wide river at dusk, skyline behind."""
    w, h = 1320, 960
    img = vertical_gradient((w, h), [(0, (38, 62, 112)), (0.42, (236, 150, 92)), (0.52, (250, 196, 130)),
                                     (0.53, (92, 88, 104)), (1, (30, 40, 58))])
    glow(img, (930, 470), 200, (255, 220, 160), 0.7)
    d = ImageDraw.Draw(img)
    # skyline
    x = 0
    while x < w:
        bw, bh = rng.randrange(30, 90), rng.randrange(40, 200)
        d.rectangle([x, 505 - bh, x + bw, 505], fill=(58, 56, 76))
        x += bw + rng.randrange(0, 12)
    # water reflections
    for _ in range(260):
        y = rng.randrange(515, h)
        x0 = rng.randrange(0, w)
        ln = rng.randrange(20, 140)
        c = (250, 190, 120) if abs(x0 - 930) < 250 and rng.random() < 0.6 else (70, 80, 104)
        d.line([(x0, y), (x0 + ln, y)], fill=c, width=2)
    # deck
    d.polygon([(0, 600), (w, 560), (w, 590), (0, 635)], fill=(44, 46, 56))
    d.line([(0, 600), (w, 560)], fill=(240, 200, 150), width=3)
    # towers and cables
    for tx, top in ((380, 150), (940, 190)):
        d.polygon([(tx - 34, 620), (tx - 6, top), (tx + 6, top), (tx + 34, 620)], fill=(70, 70, 84))
        deck_y = lambda x: 600 - 40 * x / w  # noqa: E731
        for k in range(1, 13):
            for side in (-1, 1):
                xe = tx + side * k * 36
                d.line([(tx, top + 20 + k * 10), (xe, deck_y(xe))], fill=(206, 200, 200), width=2)
    # a ship
    d.polygon([(170, 760), (420, 760), (395, 800), (200, 800)], fill=(36, 40, 52))
    d.rectangle([250, 720, 330, 760], fill=(210, 212, 220))
    img = soften(img, 1.1)
    img = enlarge(img, LANDSCAPE)
    return grain(img, rng, 12)


def street(rng: random.Random) -> Image.Image:
    """A renovated old street in warm evening light (saved as CMYK)."""
    w, h = 960, 1140
    img = vertical_gradient((w, h), [(0, (120, 160, 210)), (0.45, (250, 214, 170)), (0.46, (150, 130, 116)),
                                     (1, (110, 96, 88))])
    d = ImageDraw.Draw(img)
    vx, vy = 480, 520
    # building faces left and right, converging on the vanishing point
    for side in (-1, 1):
        edge = 0 if side < 0 else w
        d.polygon([(edge, 0), (vx + side * 90, vy - 200), (vx + side * 90, vy + 60), (edge, h - 140)],
                  fill=(176, 128, 96) if side < 0 else (198, 170, 140))
        for i in range(12):
            t = i / 12
            x = edge + (vx + side * 90 - edge) * t
            d.line([(x, 0 + (vy - 200) * t), (x, (h - 140) + (vy + 60 - (h - 140)) * t)],
                   fill=(120, 90, 70), width=max(1, int(6 * (1 - t))))
            for j in range(6):
                ytop = (vy - 200) * t + j * (1 - t) * 150 + 40 * (1 - t)
                hh = 90 * (1 - t)
                ww = 60 * (1 - t) * side
                lit = rng.random() < 0.45
                x0, x1 = sorted((x + 10 * side, x + 10 * side + ww))
                d.rectangle([x0, ytop, x1, ytop + hh * 0.6], fill=(255, 214, 140) if lit else (80, 70, 70))
    # road with paving lines
    d.polygon([(0, h - 140), (vx - 90, vy + 60), (vx + 90, vy + 60), (w, h - 140), (w, h), (0, h)],
              fill=(132, 120, 112))
    for k in range(1, 16):
        y = vy + 60 + (h - vy - 60) * (k / 16) ** 1.7
        d.line([(0, y), (w, y)], fill=(118, 106, 100), width=2)
    # lanterns, trees and passers-by
    for k in range(7):
        t = k / 7
        for side in (-1, 1):
            x = vx + side * (90 + 380 * (1 - t) ** 1.5)
            y = vy - 60 + 300 * (1 - t) ** 1.5
            r = int(4 + 22 * (1 - t) ** 1.5)
            d.ellipse([x - r, y - r, x + r, y + r * 1.3], fill=(230, 60, 40))
    for _ in range(26):
        t = rng.random()
        x = vx + (rng.random() - 0.5) * 900 * (1 - t)
        y = vy + 80 + (h - vy - 100) * (1 - t) ** 1.2
        s = 8 + 60 * (1 - t) ** 1.2
        col = rng.choice([(60, 60, 80), (160, 40, 40), (40, 80, 120), (230, 230, 220)])
        d.ellipse([x - s * 0.18, y - s * 1.2, x + s * 0.18, y - s * 0.85], fill=(50, 40, 36))
        d.rectangle([x - s * 0.25, y - s * 0.85, x + s * 0.25, y], fill=col)
    glow(img, (vx, vy - 80), 260, (255, 230, 190), 0.45)
    img = soften(img, 1.0)
    img = enlarge(img, PORTRAIT)
    return grain(img, rng, 10)


def wetland(rng: random.Random) -> Image.Image:
    """A river wetland: still water, reed beds, herons in flight."""
    w, h = 1320, 960
    img = vertical_gradient((w, h), [(0, (150, 196, 230)), (0.40, (222, 236, 240)), (0.41, (120, 150, 130)),
                                     (0.46, (100, 140, 120)), (0.47, (170, 200, 210)), (1, (96, 130, 150))])
    d = ImageDraw.Draw(img)
    # distant tree line
    for x in range(0, w, 6):
        d.line([(x, 392), (x, 392 - 18 - 14 * math.sin(x / 37) - rng.randrange(0, 10))], fill=(80, 118, 92), width=6)
    # islands of reeds
    for cx, cy, rx in ((260, 620, 260), (980, 700, 330), (620, 880, 420)):
        d.ellipse([cx - rx, cy - 30, cx + rx, cy + 30], fill=(116, 140, 80))
        for _ in range(rx * 2):
            x = cx + rng.uniform(-rx, rx) * 0.95
            top = cy - rng.randrange(40, 150)
            d.line([(x, cy), (x + rng.uniform(-12, 12), top)],
                   fill=rng.choice([(150, 160, 80), (186, 180, 100), (120, 136, 70)]), width=2)
    # ripples
    for _ in range(180):
        y = rng.randrange(460, h)
        x0 = rng.randrange(0, w)
        d.line([(x0, y), (x0 + rng.randrange(20, 90), y)], fill=(200, 222, 228), width=1)
    # birds: white arcs
    for _ in range(9):
        x, y, s = rng.randrange(200, 1200), rng.randrange(80, 300), rng.randrange(14, 30)
        d.arc([x - s, y, x, y + s], 200, 340, fill=(250, 250, 250), width=4)
        d.arc([x, y, x + s, y + s], 200, 340, fill=(250, 250, 250), width=4)
    img = soften(img, 1.1)
    img = enlarge(img, LANDSCAPE)
    return grain(img, rng, 10)


def stadium(rng: random.Random) -> Image.Image:
    """A stadium under floodlights: stands full of spectators, a striped pitch."""
    w, h = 1320, 960
    img = vertical_gradient((w, h), [(0, (16, 22, 44)), (0.3, (40, 50, 86)), (1, (30, 36, 50))])
    d = ImageDraw.Draw(img)
    # stands: a big ellipse of "crowd" dots
    d.ellipse([-140, 180, w + 140, h + 420], fill=(60, 52, 64))
    for _ in range(5000):
        a = rng.uniform(math.pi, 2 * math.pi)
        r = rng.uniform(0.62, 1.0)
        x = w / 2 + math.cos(a) * (w / 2 + 140) * r
        y = 180 + (h + 240) / 2 + math.sin(a) * ((h + 240) / 2) * r
        c = rng.choice([(200, 40, 40), (240, 240, 240), (40, 80, 180), (230, 200, 60), (90, 80, 90)])
        d.ellipse([x - 3, y - 3, x + 3, y + 3], fill=c)
    # pitch: mown stripes, clipped to an ellipse
    pitch = Image.new("RGB", (w, h), (52, 130, 60))
    pd = ImageDraw.Draw(pitch)
    for k in range(1, 9, 2):
        pd.rectangle([0, 520 + k * 50, w, 570 + k * 50], fill=(60, 144, 68))
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).ellipse([120, 520, w - 120, h + 560], fill=255)
    img.paste(pitch, (0, 0), mask)
    d = ImageDraw.Draw(img)
    d.ellipse([w / 2 - 90, 680, w / 2 + 90, 760], outline=(236, 240, 236), width=4)
    d.line([(w / 2, 520), (w / 2, h)], fill=(236, 240, 236), width=4)
    # floodlight towers
    for fx in (140, w - 140):
        d.line([(fx, 60), (fx, 420)], fill=(120, 120, 130), width=8)
        d.rectangle([fx - 60, 40, fx + 60, 80], fill=(250, 250, 240))
        glow(img, (fx, 60), 200, (255, 255, 230), 0.6)
    img = soften(img, 1.0)
    img = enlarge(img, LANDSCAPE)
    return grain(img, rng, 12)


def portrait(rng: random.Random) -> Image.Image:
    """A head-and-shoulders portrait against a soft background (greyscale)."""
    w, h = 680, 660
    img = vertical_gradient((w, h), [(0, (200, 200, 200)), (1, (120, 120, 120))])
    glow(img, (200, 180), 260, (235, 235, 235), 0.6)
    img = img.convert("L")
    d = ImageDraw.Draw(img)
    # shoulders and jacket
    d.ellipse([110, 470, 570, 900], fill=52)
    d.polygon([(300, 470), (340, 600), (380, 470)], fill=230)  # shirt collar
    d.polygon([(318, 500), (340, 590), (362, 500)], fill=70)  # tie
    # neck, head, hair
    d.rectangle([300, 380, 380, 490], fill=150)
    d.ellipse([245, 150, 435, 410], fill=172)
    d.chord([235, 120, 445, 330], 180, 360, fill=40)
    d.ellipse([232, 250, 256, 310], fill=160)
    d.ellipse([424, 250, 448, 310], fill=160)
    # light from the left: shade the right half of the face
    shade = Image.new("L", (w, h), 0)
    ImageDraw.Draw(shade).ellipse([345, 160, 445, 420], fill=40)
    img = ImageChops.subtract(img, shade.filter(ImageFilter.GaussianBlur(30)))
    img = soften(img, 2.0)
    # gentle grain, then a few grey levels fewer so the PNG stays small
    img = grain(img, rng, 6, blur=1.0)
    return img.point(lambda v: v // 4 * 4)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    jobs = [
        ("lab.jpg", lab, 1, "RGB"),
        ("bridge.jpg", bridge, 2, "RGB"),
        ("street.jpg", street, 3, "CMYK"),
        ("wetland.jpg", wetland, 4, "RGB"),
        ("stadium.jpg", stadium, 5, "RGB"),
        ("portrait.png", portrait, 6, "L"),
    ]
    for name, draw, seed, mode in jobs:
        img = draw(random.Random(seed)).convert(mode)
        path = OUT / name
        if name.endswith(".png"):
            img.save(path, optimize=True)
        else:
            img.save(path, quality=QUALITY, optimize=True)
        print(f"{path.name:14} {img.mode:5} {img.size[0]}x{img.size[1]} {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
