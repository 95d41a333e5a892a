"""Validation of what the archive package writes against the published schemas.

In: ALTO or METS bytes.  Out: the schema's complaints (empty when valid), each with its
line.  The schemas are the vendored copies in schemas/ (no network: their XLink import
names the local file), compiled once per process.

Why in the build and not only in tests: an archive ingests what it is given and rejects
a whole issue for one invalid file, days later; the build refuses to write it instead.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

SCHEMAS = Path(__file__).parent / "schemas"
ALTO_XSD = "alto-4-4.xsd"
METS_XSD = "mets-1-12-1.xsd"


@lru_cache(maxsize=2)
def _schema(name: str):
    from lxml import etree  # imported here: only archive builds and their tests need lxml

    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def schema_errors(data: bytes, xsd: str) -> list[str]:
    """Why `data` is not a valid document of schema `xsd` ([] when it is)."""
    from lxml import etree

    try:
        doc = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as e:
        return [f"not well-formed XML: {e}"]
    schema = _schema(xsd)
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def alto_errors(data: bytes) -> list[str]:
    return schema_errors(data, ALTO_XSD)


def mets_errors(data: bytes) -> list[str]:
    return schema_errors(data, METS_XSD)
