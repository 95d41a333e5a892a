"""layout/schema/edition.schema.json must describe what layout/manifest.py accepts.

No jsonschema dependency: the schema is walked as plain JSON and its key sets, enums and
required keys are compared with the constants of the loader, so the two cannot drift.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from layout.model import ads, manifest
from layout.model.bodies import is_file_name
from layout.model.styles import STYLE_KEYS
from layout.model.units import HAO_PT

SCHEMA_FILE = Path(manifest.__file__).resolve().parent / "schema" / "edition.schema.json"

# $defs name -> the loader's key set
DEF_KEYS = {
    "edition": manifest.EDITION_KEYS,
    "section": manifest.SECTION_KEYS,
    "page": manifest.PAGE_KEYS,
    "story": manifest.STORY_KEYS,
    "continuation": manifest.CONT_KEYS,
    "frame": manifest.FRAME_KEYS,
    "headline": manifest.HEADLINE_KEYS,
    "page_photo": manifest.PAGE_PHOTO_KEYS,
    "block_photo": manifest.BLOCK_PHOTO_KEYS,
    "box": manifest.BOX_KEYS,
    "ad": ads.AD_KEYS,
    "ad_frame": ads.AD_FRAME_KEYS,
    "ad_size": ads.AD_SIZE_KEYS,
    "graphic": manifest.PAGE_PHOTO_KEYS,
}
# key sets the loader spells inline rather than as constants
INLINE_KEYS = [{"edition", "sections", "pages"}, {"filler"}, {"file"}, {"seed", "chars"}]
# required keys, as passed to Checker.mapping in manifest.py
REQUIRED = {
    "edition": {"paper", "date"},
    "section": {"id", "name", "pages"},
    "page": set(),
    "story": {"id", "body"},  # frame: required unless the page's slots: place the entry
    "continuation": {"continued"},
    "frame": {"col", "span", "top", "lines"},
    "headline": {"text"},
    "page_photo": {"id", "file"},
    "block_photo": {"id", "file", "lines"},
    "box": {"id", "text"},
    "ad": {"id", "file", "frame", "booking"},
    "ad_frame": set(),
    "ad_size": {"columns", "height"},
    "graphic": {"id", "file"},
}


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def walk(node, path="#"):
    """Yield (json pointer, node) for every dict in the schema."""
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from walk(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, f"{path}/{i}")


def resolve(schema: dict, ref: str) -> dict:
    assert ref.startswith("#/"), ref
    node = schema
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def test_schema_is_json_2020_12(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"


def test_every_ref_resolves(schema):
    refs = [n["$ref"] for _, n in walk(schema) if "$ref" in n]
    assert refs
    for ref in refs:
        assert isinstance(resolve(schema, ref), dict), ref


@pytest.mark.parametrize("name", sorted(DEF_KEYS))
def test_def_keys_match_loader(schema, name):
    d = schema["$defs"][name]
    assert set(d["properties"]) == DEF_KEYS[name], f"$defs/{name} differs from manifest.py"
    assert d["additionalProperties"] is False
    assert set(d.get("required", [])) == REQUIRED[name]


def test_top_level_keys(schema):
    assert set(schema["properties"]) == {"edition", "sections", "pages"}
    assert set(schema["required"]) == {"edition", "sections", "pages"}
    assert schema["additionalProperties"] is False


def test_no_object_schema_outside_the_known_key_sets(schema):
    """Every `properties` block found by walking the schema is one of the loader's key sets."""
    known = [set(v) for v in DEF_KEYS.values()] + INLINE_KEYS
    found = [(p, set(n["properties"])) for p, n in walk(schema) if isinstance(n.get("properties"), dict)]
    assert len(found) >= len(DEF_KEYS) + len(INLINE_KEYS)
    for pointer, keys in found:
        assert keys in known, f"{pointer}: keys {sorted(keys)} match no key set of manifest.py"
    for keys in known:
        assert any(keys == k for _, k in found), f"key set {sorted(keys)} missing from the schema"
    # the loader rejects unknown keys everywhere except style_overrides
    for pointer, node in walk(schema):
        if isinstance(node.get("properties"), dict):
            assert node.get("additionalProperties") is False, pointer


def test_enums_match_loader(schema):
    d = schema["$defs"]
    builtin = [a for a in d["page"]["properties"]["template"]["anyOf"] if "enum" in a]
    assert builtin and tuple(builtin[0]["enum"]) == manifest.TEMPLATES
    assert tuple(d["headline"]["properties"]["face"]["enum"]) == manifest.FACES
    assert tuple(d["story"]["properties"]["byline_style"]["enum"]) == manifest.BYLINE_STYLES
    assert set(d["fit"]["enum"]) == {"cover", "contain"}
    sizes = [a for a in d["headline"]["properties"]["size"]["anyOf"] if "enum" in a]
    assert sizes and set(sizes[0]["enum"]) == set(HAO_PT)


def test_image_pattern_matches_loader_suffixes(schema):
    pattern = re.compile(schema["$defs"]["image_file"]["pattern"])
    assert {".jpg", ".png"} <= set(manifest.IMAGE_SUFFIXES)
    for suffix in manifest.IMAGE_SUFFIXES:
        assert pattern.search(f"photos/图{suffix}")
        assert pattern.search(f"photos/图{suffix.upper()}")
    for bad in ("a.gif", "a.webp", "a.jpg.txt"):
        assert not pattern.search(bad)


def test_story_and_continuation_are_alternatives(schema):
    items = schema["$defs"]["page"]["properties"]["stories"]["items"]["oneOf"]
    assert {i["$ref"] for i in items} == {"#/$defs/story", "#/$defs/continuation"}
    assert "continued" not in schema["$defs"]["story"]["properties"]  # so exactly one alternative matches


def test_body_forms(schema):
    forms = schema["$defs"]["body"]["anyOf"]
    assert {f["title"] for f in forms} == {"body file", "body file mapping", "inline text", "paragraphs", "filler"}
    file_form = next(f for f in forms if f["title"] == "body file")
    assert re.search(file_form["pattern"], "stories/lead.txt")
    assert not re.search(file_form["pattern"], "第一段\n第二段.txt")
    # only .txt / .md names are files (bodies.is_file_name); slashes alone make no file name
    for name in ("stories/lead.txt", "a.MD", "../x.txt "):
        assert re.search(file_form["pattern"], name) and is_file_name(name), name
    for text in ("TCP/IP", "1/2", "A/B测试", "../../etc/passwd", "stories/a.text", "每股收益0.5元/股"):
        assert not re.search(file_form["pattern"], text) and not is_file_name(text), text
    mapping = next(f for f in forms if f["title"] == "body file mapping")
    assert mapping["required"] == ["file"] and mapping["additionalProperties"] is False
    headline = schema["$defs"]["story"]["properties"]["headline"]["oneOf"]
    assert {"#/$defs/display", "#/$defs/headline"} == {h["$ref"] for h in headline}


def test_display_texts_are_a_text_or_a_list_of_lines(schema):
    """checker.display_text (used by the manifest loader) reads kicker, headline (and headline.text) and subhead as a text
    with | breaks or as a list of lines; the schema says the same."""
    d = schema["$defs"]
    forms = d["display"]["anyOf"]
    assert {"$ref": "#/$defs/text"} in forms
    lists = [f for f in forms if f.get("type") == "array"]
    assert lists and lists[0]["items"] == {"$ref": "#/$defs/text"} and lists[0]["minItems"] == 1
    story = d["story"]["properties"]
    assert story["kicker"]["$ref"] == story["subhead"]["$ref"] == "#/$defs/display"
    assert d["headline"]["properties"]["text"]["$ref"] == "#/$defs/display"


def test_style_override_keys_match_the_style_keys(schema):
    names = schema["$defs"]["edition"]["properties"]["style_overrides"]["propertyNames"]["enum"]
    assert set(names) == set(STYLE_KEYS)
