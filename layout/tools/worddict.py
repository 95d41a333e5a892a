"""Build the word segmenter's data (layout/text/data/) from jieba's dictionary and HMM.

Why this exists
---------------
Headline breaks need words (phrasing.py), and rjieba, which gave them, spends ~110 ms
building its 349,046-word trie before the first answer.  layout.text.segment does the same
segmentation (jieba's maximum-probability route over the dictionary's words, its HMM for
unknown words, the same parts of speech) from two plain text files that are never loaded
whole: the dictionary is stored in one bucket per first character behind a byte-offset
index, so a process reads the index (a few ms) and then only the buckets of the characters
it meets.  Nothing read from disk is executed (no pickle, no marshal): the files are text.

Source: jieba 0.42.1 (MIT licence, https://github.com/fxsjy/jieba): ``jieba/dict.txt`` and
``jieba/finalseg/prob_{start,trans,emit}.py`` (read with ast.literal_eval, never imported).
jieba-rs, which rjieba wraps, embeds the same dictionary and model.  The house terms of
phrasing.HOUSE_TERMS are added as rjieba's add_word did (regenerate after changing them).

    python -m layout.tools.worddict /path/to/jieba-0.42.1/jieba    # writes layout/text/data/

Output is deterministic (same source, same bytes).
"""

from __future__ import annotations

import ast
import sys
import tempfile
from pathlib import Path

from layout.text.segment import DATA_DIR, HMM_FILE, OFFSET_DIGITS, STATES, WORDS_FILE, Segmenter

SOURCE = "jieba 0.42.1 (MIT licence, https://github.com/fxsjy/jieba)"


def _literal(path: Path) -> dict:
    """The dict literal assigned to P in one of jieba's finalseg/prob_*.py (not executed)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "P":
            return ast.literal_eval(node.value)
    raise ValueError(f"{path}: no `P = {{...}}`")


def parse_dict(dict_txt: str) -> dict[str, tuple[int, str]]:
    """jieba's dict.txt ("word freq tag" lines) as jieba-rs loads it: a repeated word takes the
    later frequency and keeps its first tag."""
    words: dict[str, tuple[int, str]] = {}
    for line in dict_txt.splitlines():
        parts = line.split()
        if parts:
            freq, tag = int(parts[1]) if len(parts) > 1 else 0, parts[2] if len(parts) > 2 else ""
            words[parts[0]] = (freq, words[parts[0]][1] if parts[0] in words else tag)
    return words


def with_house_terms(words: dict[str, tuple[int, str]], tmp: Path) -> dict[str, tuple[int, str]]:
    """`words` plus phrasing.HOUSE_TERMS, added as rjieba's add_word(term, None, "nz") did at every
    start (a suggested frequency that keeps the term whole), so that no process pays for it."""
    from layout.text.phrasing import HOUSE_TERMS

    (tmp / WORDS_FILE).write_bytes(render_words(words))
    seg = Segmenter(tmp)
    added = {}
    for term in HOUSE_TERMS:
        seg.add_word(term, None, "nz")
        added[term] = seg.dict.get(term)
    return {**words, **added}


def render_words(words: dict[str, tuple[int, str]]) -> bytes:
    """words.txt: provenance, the frequency total, the first characters (in code point order, so
    that a bisection finds one) and the byte offsets of their buckets (fixed-width hex: read without
    parsing), then one bucket line per first character: the length of its longest rest, then its
    "rest freq tag" entries in code point order of the rest, tab-separated (so that the first
    entry starting with a prefix is the word itself, if there is one)."""
    buckets: dict[str, dict[str, tuple[int, str]]] = {}
    for word, rec in words.items():
        buckets.setdefault(word[0], {})[word[1:]] = rec
    total = sum(f for f, _ in words.values())
    firsts = sorted(buckets)
    body, offsets, at = [], [], 0
    for c in firsts:
        rests = sorted(buckets[c].items())
        longest = max(len(rest) for rest, _ in rests)
        line = (f"{longest}\t" + "\t".join(f"{rest} {f} {t}" for rest, (f, t) in rests) + "\n").encode()
        offsets.append(at)
        body.append(line)
        at += len(line)
    offsets.append(at)
    if at >= 16 ** OFFSET_DIGITS:
        raise ValueError(f"{at} bytes of words: more than {OFFSET_DIGITS} hex digits can address")
    head = (f"# words for layout.text.segment, from {SOURCE} dict.txt; made by layout/tools/worddict.py\n"
            f"{total}\n{''.join(firsts)}\n{''.join(f'{o:0{OFFSET_DIGITS}x}' for o in offsets)}\n")
    return head.encode() + b"".join(body)


def render_hmm(finalseg: Path) -> bytes:
    """hmm.txt: start and transition log-probabilities, the characters (code point order) and
    the byte offsets of their rows, then one row per character: its emission log-probability in
    each state B E M S (empty where jieba's model has none)."""
    start = _literal(finalseg / "prob_start.py")
    trans = _literal(finalseg / "prob_trans.py")
    emit = _literal(finalseg / "prob_emit.py")
    head = [f"# HMM for layout.text.segment, from {SOURCE} finalseg/prob_*.py; made by layout/tools/worddict.py",
            " ".join(repr(float(start[s])) for s in STATES),
            " ".join(repr(float(trans[a].get(b, -3.14e100))) for a in STATES for b in STATES)]
    chars = sorted(set().union(*(emit[s] for s in STATES)))
    rows = [("\t".join(repr(emit[s][c]) if c in emit[s] else "" for s in STATES) + "\n").encode() for c in chars]
    offsets, at = [], 0
    for row in rows:
        offsets.append(at)
        at += len(row)
    offsets.append(at)
    head += ["".join(chars), "".join(f"{o:0{OFFSET_DIGITS}x}" for o in offsets)]
    return ("\n".join(head) + "\n").encode() + b"".join(rows)


def write_data(src: Path, out: Path = DATA_DIR) -> None:
    """words.txt and hmm.txt in `out` from jieba's package folder `src` (dict.txt, finalseg/)."""
    words = parse_dict((src / "dict.txt").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        words = with_house_terms(words, Path(tmp))
    out.mkdir(parents=True, exist_ok=True)
    (out / WORDS_FILE).write_bytes(render_words(words))
    (out / HMM_FILE).write_bytes(render_hmm(src / "finalseg"))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 2) or not (Path(args[0]) / "dict.txt").is_file():
        print("usage: python -m layout.tools.worddict JIEBA_PACKAGE_DIR [OUT_DIR]   (the folder holding dict.txt "
              "and finalseg/, e.g. from `pip download --no-deps --no-binary :all: jieba==0.42.1`; OUT_DIR defaults "
              "to layout/text/data)", file=sys.stderr)
        return 2
    out = Path(args[1]) if len(args) == 2 else DATA_DIR
    write_data(Path(args[0]), out)
    print(f"wrote {out / WORDS_FILE} and {out / HMM_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
