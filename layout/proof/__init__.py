"""Proof rounds and what changed between them: the proofreaders' outputs (after the build).

    rounds.py    which round a proof build is, its pages' stamps, its revision record (a desk output)
    revision.py  the record: every page's stories, lines, frames and pictures (JSON, read back checked)
    diff.py      two rounds compared page by page and story by story (textdiff.py: the marks)
    report.py    diff.json and the printed summary;  overlay.py: the highlighted page PDFs
    compare.py   `layout diff`: which rounds, what to write

The flatplan uses `load_revisions`, `changed_pages` and `diff_revisions` (a later stage).
"""

from layout.proof.diff import EditionDiff, Highlight, changed_pages, diff_revisions
from layout.proof.report import diff_json
from layout.proof.revision import PageRevision, Revision, RevisionError
from layout.proof.rounds import RevisionRecorder, load_revisions, round_name

__all__ = ["EditionDiff", "Highlight", "PageRevision", "Revision", "RevisionError", "RevisionRecorder",
           "changed_pages", "diff_json", "diff_revisions", "load_revisions", "round_name"]
