"""Which pages a build makes and what its files are called.

`select_pages` reads `--pages` selections ("A1,T3-T5"); `safe_name` gives a page's file
name, `edition_filename` the edition's, `page_path` where a page file goes.  Names are
part of the desks' contract (hot folders, archive packages): they change only on purpose.
"""

from __future__ import annotations

import re
from pathlib import Path

from layout.errors import ManifestError, Problem
from layout.model.edition import Edition
from layout.model.modes import OutputMode, OutputProfile, output_profile


def select_pages(edition: Edition, spec: list[str] | None) -> list[str]:
    """Page labels from "A1,T3-T5" style selections, in edition order."""
    labels = [p.label for p in edition.pages]
    if not spec:
        return labels
    wanted: set[str] = set()
    for item in spec:
        for part in item.split(","):
            part = part.strip()
            if not part:
                continue
            if "-" in part:
                a, b = (s.strip() for s in part.split("-", 1))
                if a not in labels or b not in labels:
                    raise ManifestError(Problem(f"--pages: unknown page in range {part!r}",
                                                hint=f"pages are {labels[0]}…{labels[-1]}"))
                i, j = labels.index(a), labels.index(b)
                if i > j:
                    raise ManifestError(Problem(f"--pages: range {part!r} runs backwards"))
                wanted.update(labels[i:j + 1])
            elif part in labels:
                wanted.add(part)
            else:
                raise ManifestError(Problem(f"--pages: unknown page {part!r}", hint="use labels such as A1,T3-T5"))
    return [lab for lab in labels if lab in wanted]


def safe_name(edition: Edition, label: str) -> str:
    """File name for a page: the label when it is plain ASCII, else section id + number (特3 -> S3)."""
    if re.fullmatch(r"[A-Za-z0-9_-]+", label):
        return label
    page = edition.page(label)
    sid = re.sub(r"[^A-Za-z0-9_-]", "", page.section) or "P"
    return f"{sid}{page.number}"


def edition_filename(edition: Edition, mode: OutputMode, partial: list[str] | None = None) -> str:
    """<paper>-<date><mode's suffix>.pdf; the paper's name made safe as one file name (no path
    separators, no leading dot, at most 255 bytes), so that it can never point elsewhere.
    `partial`: the (safe) names of the pages of an edition that is not whole, which its
    name then says: <paper>-<date><suffix>-partial-A1_A2.pdf."""
    part = ""
    if partial:
        names = "_".join(partial)
        part = f"-partial-{names if len(names) <= 60 else f'{partial[0]}_to_{partial[-1]}_{len(partial)}pages'}"
    tail = f"-{edition.date.isoformat()}{output_profile(mode).suffix}{part}.pdf"
    paper = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", edition.paper).strip(" .") or "edition"
    while len((paper + tail).encode("utf-8")) > 240:
        paper = paper[:-1]
    return paper + tail


def page_path(out: Path, profile: OutputProfile, edition: Edition, label: str) -> Path:
    return out / profile.folder / "pages" / f"{safe_name(edition, label)}.pdf"
