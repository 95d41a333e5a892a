"""An ICC version 2 sRGB profile, written from the standard's parameters.

Why not Little CMS's built-in sRGB (PIL.ImageCms.createProfile("sRGB")): it is an ICC v4
profile, which PDF/A-1 forbids and some PDF/A-2 validators and archive ingest tools still
reject, and Little CMS stamps its header with the clock.  The archive's output intent
wants the safe choice: a v2 display profile (matrix/TRC) whose bytes are the same on every
run and every machine.

The profile is the one IEC 61966-2-1 describes, in the ICC v2 form most sRGB profiles
take: D50 PCS, the sRGB primaries chromatically adapted from D65 to D50 with the Bradford
transform (the colorant tags), the media white point D50, and the sRGB transfer curve as
a 1024-entry table shared by the three channels.  The curve is computed in decimal
floating point, rounded to 16 bits; no entry lies within 1e-6 of a rounding boundary
(tests/test_conformance.py checks it), so a pow() a few ulps off on another machine
cannot change a byte.
"""

from __future__ import annotations

import struct
from decimal import Decimal
from functools import lru_cache

DESCRIPTION = "sRGB IEC61966-2.1"
COPYRIGHT = "No copyright, use freely"
# The sRGB primaries in the D50 PCS (IEC 61966-2-1 primaries and D65 white, Bradford-adapted),
# one row per colorant: rXYZ, gXYZ, bXYZ.
COLORANTS = (
    ("0.4360747", "0.2225045", "0.0139322"),
    ("0.3850649", "0.7168786", "0.0971045"),
    ("0.1430804", "0.0606169", "0.7141733"),
)
D50 = ("0.9642", "1.0", "0.8249")  # the ICC PCS illuminant, also the media white point here
CURVE_POINTS = 1024
FIXED_DATE = (2000, 1, 1, 0, 0, 0)  # the header's creation date: fixed, not the clock


def _s15f16(value: str) -> bytes:
    return struct.pack(">i", int((Decimal(value) * 65536).to_integral_value()))


def _xyz(values: tuple[str, str, str]) -> bytes:
    return b"XYZ " + bytes(4) + b"".join(_s15f16(v) for v in values)


def _text_description(text: str) -> bytes:
    """A v2 textDescriptionType: ASCII, then empty Unicode and ScriptCode parts."""
    ascii_ = text.encode("ascii") + b"\0"
    return (b"desc" + bytes(4) + struct.pack(">I", len(ascii_)) + ascii_
            + struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + bytes(67))


def _text(text: str) -> bytes:
    return b"text" + bytes(4) + text.encode("ascii") + b"\0"


def srgb_linear(i: int, n: int = CURVE_POINTS) -> float:
    """The sRGB transfer function (IEC 61966-2-1) at i/(n-1), scaled to a 16-bit table entry."""
    v = i / (n - 1)
    return 65535 * (v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4)


def _curve() -> bytes:
    return (b"curv" + bytes(4) + struct.pack(">I", CURVE_POINTS)
            + struct.pack(f">{CURVE_POINTS}H", *(round(srgb_linear(i)) for i in range(CURVE_POINTS))))


def _pad(data: bytes) -> bytes:
    return data + bytes(-len(data) % 4)


@lru_cache(maxsize=1)
def srgb_v2_profile() -> bytes:
    """The profile's bytes (about 2.5 KB); identical on every call, run and machine."""
    trc = _curve()
    blocks = [(b"desc", _text_description(DESCRIPTION)), (b"cprt", _text(COPYRIGHT)), (b"wtpt", _xyz(D50)),
              (b"rXYZ", _xyz(COLORANTS[0])), (b"gXYZ", _xyz(COLORANTS[1])), (b"bXYZ", _xyz(COLORANTS[2])),
              (b"rTRC", trc)]
    shared = {b"gTRC": b"rTRC", b"bTRC": b"rTRC"}  # one curve for the three channels
    count = len(blocks) + len(shared)
    offset = 128 + 4 + 12 * count
    table: list[bytes] = []
    data = b""
    where: dict[bytes, tuple[int, int]] = {}
    for sig, body in blocks:
        where[sig] = (offset + len(data), len(body))
        data += _pad(body)
    for sig, same in shared.items():
        where[sig] = where[same]
    for sig in (b"desc", b"cprt", b"wtpt", b"rXYZ", b"gXYZ", b"bXYZ", b"rTRC", b"gTRC", b"bTRC"):
        table.append(sig + struct.pack(">II", *where[sig]))
    size = offset + len(data)
    header = (struct.pack(">I", size) + bytes(4)  # no preferred CMM
              + bytes((2, 0x10, 0, 0))  # version 2.1.0
              + b"mntr" + b"RGB " + b"XYZ "
              + struct.pack(">6H", *FIXED_DATE)
              + b"acsp" + bytes(4)  # no primary platform
              + struct.pack(">I", 0)  # flags: not embedded-only, may be used independently
              + bytes(4) + bytes(4)  # manufacturer, model
              + bytes(8)  # attributes: reflective, glossy, positive, colour
              + struct.pack(">I", 0)  # rendering intent: perceptual
              + b"".join(_s15f16(v) for v in D50)
              + bytes(4)  # creator
              + bytes(44))  # reserved (v2 has no profile ID)
    assert len(header) == 128
    return header + struct.pack(">I", count) + b"".join(table) + data
