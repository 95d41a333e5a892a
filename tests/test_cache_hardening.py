"""The page cache under attack and damage: a cache entry is plain data that is checked
before it is used, so a hostile, damaged, truncated, swapped or misfiled entry is a miss
(the page is composed again) and every build ends with the same bytes as a build without
the cache.  Nothing in the cache folder can run code."""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import pickle
import random
import shlex
import shutil
import struct
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from layout.build.cache import MAGIC, PageCache, PageKeyMemo, decode_entry, encode_entry
from layout.build.pipeline import BuildOptions, build, prepare
from layout.build.session import BuildSession
from layout.page.compose import Composer
from layout.pdf.verify import pdf_text
from tests.support.editions import write_edition

# builds and writes whole (small) editions, or runs processes: not the fast core
pytestmark = pytest.mark.slow

LABELS = ["A1", "A2", "A3", "T1"]
SEEN = {"A1": "江城发布112项核心医疗技术成果", "A2": "城市更新激活发展新动能"}  # headlines set on those pages


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """The small edition, its pages and edition built without the cache (the reference),
    and an output folder whose cache holds every page."""
    root = tmp_path_factory.mktemp("hardening")
    ed = write_edition(root / "ed")
    ref = build(ed, BuildOptions(out_dir=root / "ref", cache=False))
    warm = root / "warm"
    build(ed, BuildOptions(out_dir=warm))
    pdfs = {lab: p.read_bytes() for lab, p in ref.page_pdfs.items()}
    document = ref.edition_pdf.read_bytes()
    texts = {lab: pdf_text(b) for lab, b in pdfs.items()}
    return {"ed": ed, "warm": warm, "pdfs": pdfs, "edition": document, "texts": texts,
            "edition_texts": [pdf_text(document, i) for i in range(len(LABELS))]}


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def folder(out: Path) -> Path:
    return out / ".cache" / "pages" / "print"


def warm_copy(setup, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(setup["warm"], out)
    return out


def entries(out: Path) -> dict[str, Path]:
    """Page label -> its cache entry, read from the entries themselves."""
    found = {}
    for p in folder(out).glob("*.page"):
        header, plain, _ = split(p.read_bytes())
        found[json.loads(plain)["page"]["display"]["label"]] = p
    assert sorted(found) == LABELS
    return found


def split(data: bytes) -> tuple[dict, bytes, bytes]:
    """An entry's header, plain JSON and blobs (the format in layout/build/cache.py)."""
    assert data.startswith(MAGIC)
    end = data.index(b"\n", len(MAGIC))
    header = json.loads(data[len(MAGIC):end])
    body = data[end + 1:]
    return header, body[:header["plain"]], body[header["plain"]:]


def forge(key: str, plain: bytes, blobs: list[bytes]) -> bytes:
    """An entry with a correct checksum for whatever it holds: only the content checks
    stand between it and the build."""
    header = {"key": key, "plain": len(plain), "blobs": [len(b) for b in blobs]}
    body = plain + b"".join(blobs)
    digest = hashlib.sha256(json.dumps(header, sort_keys=True, separators=(",", ":")).encode() + b"\n" + body)
    header["sha256"] = digest.hexdigest()
    return MAGIC + json.dumps(header, sort_keys=True, separators=(",", ":")).encode() + b"\n" + body


def blob_list(header: dict, blobs: bytes) -> list[bytes]:
    out, at = [], 0
    for n in header["blobs"]:
        out.append(blobs[at:at + n])
        at += n
    return out


def rebuild(setup, out: Path, **kw):
    res = build(setup["ed"], BuildOptions(out_dir=out, **kw))
    assert_correct(setup, res)
    return res


def assert_correct(setup, res) -> None:
    """The build's files are the reference's bytes, and its text reads back as set."""
    assert list(res.page_pdfs) == LABELS
    for lab, p in res.page_pdfs.items():
        data = p.read_bytes()
        assert sha(data) == sha(setup["pdfs"][lab]), lab
        text = pdf_text(data)
        assert text == setup["texts"][lab], lab
        if lab in SEEN:
            assert SEEN[lab] in text, lab
    document = res.edition_pdf.read_bytes()
    assert sha(document) == sha(setup["edition"])
    assert [pdf_text(document, i) for i in range(len(LABELS))] == setup["edition_texts"]  # pages in order


def rejected(res) -> dict[str, str]:
    """Page label -> why its entry was rejected, from the build's messages."""
    out = {}
    for msg in res.cache_rejected:
        head, _, reason = msg.partition(" rejected: ")
        out[head.removeprefix("cache entry for ")] = reason.removesuffix("; page rebuilt")
    return out


class _Payload:
    """Unpickling this runs a shell command that creates `marker` (the reported attack)."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {shlex.quote(str(self.marker))}",))


def test_an_untouched_cache_is_used_and_a_forged_but_faithful_entry_too(setup, tmp_path):
    """The control for the tests below: the copied cache serves every page, and forge()
    makes entries the cache accepts (so a rejection below is the content check's doing)."""
    out = warm_copy(setup, tmp_path)
    a2 = entries(out)["A2"]
    header, plain, blobs = split(a2.read_bytes())
    a2.write_bytes(forge(header["key"], plain, blob_list(header, blobs)))
    res = rebuild(setup, out)
    assert sorted(res.reused) == LABELS and res.cache_rejected == []


def test_a_hostile_pickle_is_never_opened(setup, tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Payload(marker))
    control = tmp_path / "control"
    pickle.loads(pickle.dumps(_Payload(control)))  # the payload is live: unpickled, it runs
    assert control.exists()

    out = warm_copy(setup, tmp_path)
    ents = entries(out)
    for lab, p in ents.items():  # the old format's name for every page's key, and a stray one
        p.with_suffix(".pkl").write_bytes(payload)
    (folder(out) / "stray.pkl").write_bytes(payload)
    ents["A2"].write_bytes(payload)  # the new format's file holding a pickle
    header, plain, blobs = split(ents["T1"].read_bytes())  # a pickle inside a well-formed entry
    ents["T1"].write_bytes(forge(header["key"], payload, blob_list(header, blobs)))
    ents["A3"].unlink()  # only the .pkl is left for A3: still not opened
    res = rebuild(setup, out)
    assert not marker.exists()
    assert rejected(res) == {"A2": "not a page cache entry", "T1": "malformed content"}
    assert res.reused == ["A1"]
    assert not list(folder(out).glob("*.pkl"))  # old entries are pruned
    again = rebuild(setup, out)  # and the rebuilt pages were stored in the new format
    assert sorted(again.reused) == LABELS and again.cache_rejected == []
    assert not marker.exists()


RAW = "@@raw@@"  # replaced, after json.dumps, by text json.dumps would never write


def _at(plain, path: tuple):
    """The container holding `path`'s last step, and that step."""
    for step in path[:-1]:
        plain = plain[step]
    return plain, path[-1]


def _set(path: tuple, value):
    def mutate(plain, blobs):
        node, last = _at(plain, path)
        node[last] = value
        return plain
    return mutate


def _raw(path: tuple, text: bytes):
    def mutate(plain, blobs):
        _set(path, RAW)(plain, blobs)
        return plain, text
    return mutate


def _blob(path: tuple, data: bytes):
    """Replace the blob that the value at `path` refers to."""
    def mutate(plain, blobs):
        node, last = _at(plain, path)
        blobs[node[last]] = data
        return plain
    return mutate


def _run_x(change):
    """Change the blob of the runs' x coordinates (little-endian doubles)."""
    return _run_blob(("x",), change)


def _run_blob(path: tuple, change):
    """Change the blob that the runs' column at `path` refers to (vertical flags: one byte a
    run; a label's or the texts' [values, numbers]: little-endian 32-bit numbers)."""
    def mutate(plain, blobs):
        node, last = _at(plain, ("record", "runs", *path))
        blobs[node[last]] = change(blobs[node[last]])
        return plain
    return mutate


WIDTH = ("page", "display", "width")
COLUMNS = ("page", "fits", 0, 5)
JSON_CASES = {
    "a list, not an object": lambda plain, blobs: [],
    "a missing part": lambda plain, blobs: {k: v for k, v in plain.items() if k != "scan"},
    "an extra part": _set(("evil",), {"__class__": "os.system"}),
    "text for a count": _set(COLUMNS, "3"),
    "true for a count": _set(COLUMNS, True),
    "a float for a count": _set(COLUMNS, 3.0),
    "a huge width": _set(WIDTH, 1e300),
    "a huge integer width": _set(WIDTH, 10**300),
    "a count beyond 2**31": _set(COLUMNS, 2**40),
    "infinity": _raw(WIDTH, b"1e999"),
    "NaN": _raw(WIDTH, b"NaN"),
    "Infinity": _raw(WIDTH, b"-Infinity"),
    "5000 digits": _raw(COLUMNS, b"1" + b"0" * 5000),
    "nesting 100000 deep": _raw(("page", "findings"), b"[" * 100000 + b"]" * 100000),
    "a label that is a number": _set(("page", "display", "label"), 5),
    "an object for a list": _set(("drawing", "images"), {"x": 1}),
    "a blob index out of range": _set(("pdf",), 99),
    "a blob index that is text": _set(("pdf",), "0"),
    "a negative blob index": _set(("drawing", "content"), -1),
    "a finding with nested data": _set(("page", "findings"), [["warning", "x", "A2", "m", {"a": [1]}]]),
    "parts of another page": _set(("text", "label"), "A1"),
    "a run count that is not the columns'": _set(("record", "runs", "n"), 1),
    "a run face that is a number": _set(("record", "runs", "face", 0), 5),
    "a run flag that is a number": _set(("record", "runs", "vertical"), [0]),
    "a run flag that is neither 0 nor 1": _run_blob(("vertical",), lambda b: b"\x02" + b[1:]),
    "a run face that is not stored": _run_blob(("face", 1), lambda b: struct.pack("<I", 10**6) + b[4:]),
    "a run role index cut short": _run_blob(("role", 1), lambda b: b[:-4]),
    "run texts longer than stored": _run_blob(("text", 1), lambda b: struct.pack("<I", 10**6) + b[4:]),
    "run text that is a number": _set(("record", "runs", "text", 0), 5),
    "a run size that is text": _set(("record", "runs", "size"), "10.5"),
    "run coordinates cut short": _run_x(lambda b: b[:-8]),
    "a NaN run coordinate": _run_x(lambda b: struct.pack("<d", math.nan) + b[8:]),
    "a huge run coordinate": _run_x(lambda b: b[:-8] + struct.pack("<d", 1e300)),
    "content that is not UTF-8": _blob(("drawing", "content"), b"\xff\xfe BT ET"),
    "a scan of another stream": _blob(("scan", 0), bytes(32)),
    "a page PDF that is a pickle": _blob(("pdf",), pickle.dumps(_Payload(Path("/nonexistent/pwned")))),
}


@pytest.mark.parametrize("case", sorted(JSON_CASES))
def test_a_hostile_json_entry_with_a_valid_checksum_is_a_miss(setup, tmp_path, case):
    out = warm_copy(setup, tmp_path)
    a2 = entries(out)["A2"]
    header, plain, blob_bytes = split(a2.read_bytes())
    blobs = blob_list(header, blob_bytes)
    got = JSON_CASES[case](json.loads(plain), blobs)
    value, raw = got if isinstance(got, tuple) else (got, None)
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    if raw is not None:
        text = text.replace(json.dumps(RAW).encode(), raw)
    a2.write_bytes(forge(header["key"], text, blobs))
    res = rebuild(setup, out)
    assert rejected(res) == {"A2": "malformed content"}
    assert sorted(res.reused) == ["A1", "A3", "T1"]


@pytest.mark.parametrize("region", ["anywhere", "header", "plain"])
def test_three_flipped_bits_per_entry_are_caught(setup, tmp_path, region):
    out = warm_copy(setup, tmp_path)
    rng = random.Random(f"flips-{region}")
    for p in entries(out).values():
        data = bytearray(p.read_bytes())
        end = data.index(b"\n", len(MAGIC)) + 1
        lo, hi = {"anywhere": (0, len(data)), "header": (0, end),
                  "plain": (end, end + split(bytes(data))[0]["plain"])}[region]
        for pos in rng.sample(range(lo, hi), 3):
            data[pos] ^= 1 << rng.randrange(8)
        p.write_bytes(bytes(data))
    res = rebuild(setup, out)
    assert sorted(rejected(res)) == LABELS and res.reused == []
    if region == "plain":
        assert set(rejected(res).values()) == {"checksum mismatch"}


def test_truncated_entries_are_caught(setup, tmp_path):
    out = warm_copy(setup, tmp_path)
    ents = entries(out)
    for lab, cut in zip(LABELS, (lambda d, end: 0, lambda d, end: end // 2,
                                 lambda d, end: end + 100, lambda d, end: len(d) - 1)):
        data = ents[lab].read_bytes()
        ents[lab].write_bytes(data[:cut(data, data.index(b"\n", len(MAGIC)) + 1)])
    res = rebuild(setup, out)
    assert rejected(res) == {"A1": "not a page cache entry", "A2": "not a page cache entry",
                             "A3": "wrong length (truncated?)", "T1": "wrong length (truncated?)"}


def test_swapped_entries_are_caught_and_the_pages_stay_in_order(setup, tmp_path):
    out = warm_copy(setup, tmp_path)
    ents = entries(out)
    tmp = ents["A1"].with_name("swap")
    os.rename(ents["A1"], tmp)
    os.rename(ents["A2"], ents["A1"])
    os.rename(tmp, ents["A2"])
    res = rebuild(setup, out)
    assert rejected(res) == {"A1": "stored under another key", "A2": "stored under another key"}
    assert sorted(res.reused) == ["A3", "T1"]


def test_an_entry_stored_under_another_key_is_caught(setup, tmp_path):
    out = warm_copy(setup, tmp_path)
    ents = entries(out)
    shutil.copyfile(ents["A1"], ents["A2"])  # A1's entry as it is, in A2's file
    header, plain, blobs = split(ents["A1"].read_bytes())
    a3_key = ents["A3"].name.split(".")[0]  # A1's entry relabelled with A3's key, checksum made good
    ents["A3"].write_bytes(forge(a3_key, plain, blob_list(header, blobs)))
    res = rebuild(setup, out)
    assert rejected(res) == {"A2": "stored under another key", "A3": "holds another page"}
    assert sorted(res.reused) == ["A1", "T1"]


def test_files_that_are_not_plain_files_are_not_read(setup, tmp_path):
    """A named pipe would block a reader forever, a link points anywhere."""
    out = warm_copy(setup, tmp_path)
    ents = entries(out)
    ents["A1"].unlink()
    os.mkfifo(ents["A1"])
    target = tmp_path / "elsewhere.page"
    shutil.move(ents["A2"], target)
    ents["A2"].symlink_to(target)
    ents["A3"].unlink()
    ents["A3"].mkdir()
    res = rebuild(setup, out)
    assert rejected(res) == {"A1": "not a page cache entry", "A2": "not a page cache entry",
                             "A3": "not a page cache entry"}


def test_the_cli_reports_rejected_entries_with_verbose(setup, tmp_path):
    from typer.testing import CliRunner

    from layout.cli import app

    out = warm_copy(setup, tmp_path)
    a3 = entries(out)["A3"]

    def damage() -> None:
        data = bytearray(a3.read_bytes())
        data[-10] ^= 0x10
        a3.write_bytes(bytes(data))

    args = ["build", str(setup["ed"]), "-o", str(out), "-j", "1"]
    damage()
    quiet = CliRunner().invoke(app, args)  # said only with -v
    assert quiet.exit_code == 0 and "cache entry for" not in quiet.output and "(3 unchanged" in quiet.output
    damage()  # the rebuilt page was stored again: damage it again
    res = CliRunner().invoke(app, ["-v", *args])
    assert res.exit_code == 0, res.output
    assert "cache entry for A3 rejected: checksum mismatch; page rebuilt" in res.output
    assert "(3 unchanged pages reused)" in res.output
    assert sha((out / "pages" / "A3.pdf").read_bytes()) == sha(setup["pdfs"]["A3"])


def _same(a, b, where="") -> None:
    """Equal values of the same types all the way down (dict order included; fields that
    dataclass equality skips included)."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if is_dataclass(a):
        for f in fields(a):
            _same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for k in a:
            _same(a[k], b[k], f"{where}[{k!r}]")
    else:
        assert a == b, where


def test_every_part_of_a_page_result_survives_the_round_trip_exactly(setup, tmp_path):
    session = BuildSession()
    build(setup["ed"], BuildOptions(out_dir=tmp_path / "out", cache=False), session)
    memory = session.pages
    assert len(memory) == len(LABELS)
    for key, result in memory.items():
        data = encode_entry(key, result)
        _same(result, decode_entry(io.BytesIO(data), len(data), key), result.page.display.label)
        assert decode_entry(io.BytesIO(data), len(data), "0" * 64).value == "stored under another key"


def test_page_keys_are_remembered_in_the_callers_memo(setup, tmp_path):
    memo = PageKeyMemo(size=2)
    memo.put(("a",), "1")
    memo.put(("b",), "2")
    assert memo.get(("a",)) == "1"  # a is now the most recently used
    memo.put(("c",), "3")
    assert memo.get(("b",)) is None and memo.get(("a",)) == "1" and len(memo) == 2

    prep = prepare(setup["ed"])
    cursors = Composer(prep.edition, prep.style, prep.fonts).resolve_jumps()
    shared = PageKeyMemo()
    one = PageCache(tmp_path, prep.edition, prep.style, "print", cursors, shared)
    keys = [one.key(p) for p in prep.edition.pages]
    assert len(shared) == len(LABELS)
    two = PageCache(tmp_path, prep.edition, prep.style, "print", cursors, shared)
    assert [two.key(p) for p in prep.edition.pages] == keys and len(shared) == len(LABELS)
    own = PageCache(tmp_path, prep.edition, prep.style, "print", cursors)
    assert own.key_memo is not shared and len(own.key_memo) == 0
    assert [own.key(p) for p in prep.edition.pages] == keys
