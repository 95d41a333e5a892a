"""Output modes: what `--mode print|proof|archive` changes, said once.

In: a mode name (the CLI's --mode, BuildOptions.mode).  Out: an `OutputProfile`, the
facts drawing, assembly and the build read instead of comparing mode names: colour space,
bleed, proof marks, PDF/X or PDF/A identification, read-back, preflight and where the
files go.  Adding a mode is adding a profile here; no stage compares names.

* print   - the plate: trim + bleed with crop marks outside it, DeviceCMYK, PDF/X-1a:2001,
            preflight; files at the top of the output folder.
* proof   - for the desk: RGB, watermark with the round and revision id, frame outlines, line
            numbers, overset flags; files under proof/, names ending in -proof.
* archive - for the library: RGB, no bleed, PDF/A-2b with an sRGB output intent, always
            read back, a JSON sidecar; files under archive/, names ending in -archive.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class OutputMode(StrEnum):
    """A mode's name; str-valued, so it reads and writes as the plain word (CLI, JSON, XMP)."""

    PRINT = "print"
    PROOF = "proof"
    ARCHIVE = "archive"


@dataclass(frozen=True)
class OutputProfile:
    """Everything that differs between modes."""

    mode: OutputMode
    cmyk: bool  # DeviceCMYK with black overprint (else RGB)
    bleed: bool  # media box = trim + the style's bleed + the marks' space, TrimBox/BleedBox, crop marks
    proof_marks: bool  # watermark, frame outlines with ids, grid line numbers, overset flags
    pdfx: bool  # PDF/X-1a:2001 identification (pdf/metadata.py) and the newsprint output intent
    pdfa: bool  # PDF/A-2b identification and an sRGB output intent
    always_verify: bool  # read the PDFs back even without --verify
    preflight: bool  # check the edition PDF for the press (fonts, ink, image resolution)
    sidecar: bool  # story placements beside the edition PDF (<edition>.json)
    folder: str  # sub-folder of the output folder ("" = the folder itself)
    suffix: str  # appended to the edition's file name, before .pdf
    tagged: bool = False  # tagged PDF: marked content, structure tree, article threads (pdf/tagging.py)

    @property
    def output_intent(self) -> bool:
        return self.pdfx or self.pdfa


PROFILES: dict[OutputMode, OutputProfile] = {
    OutputMode.PRINT: OutputProfile(OutputMode.PRINT, cmyk=True, bleed=True, proof_marks=False, pdfx=True,
                                    pdfa=False, always_verify=False, preflight=True, sidecar=False,
                                    folder="", suffix=""),
    OutputMode.PROOF: OutputProfile(OutputMode.PROOF, cmyk=False, bleed=False, proof_marks=True, pdfx=False,
                                    pdfa=False, always_verify=False, preflight=False, sidecar=False,
                                    folder="proof", suffix="-proof"),
    OutputMode.ARCHIVE: OutputProfile(OutputMode.ARCHIVE, cmyk=False, bleed=False, proof_marks=False, pdfx=False,
                                      pdfa=True, always_verify=True, preflight=False, sidecar=True,
                                      folder="archive", suffix="-archive", tagged=True),
}


def output_profile(mode: OutputMode | str) -> OutputProfile:
    """The profile of a mode, given as the enum or its name; ValueError names the modes."""
    try:
        return PROFILES[OutputMode(mode)]
    except ValueError:
        raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(m.value for m in OutputMode)}") from None
