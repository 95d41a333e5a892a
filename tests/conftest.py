"""Shared fixtures: the sample edition is built once per test session (print mode)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hypothesis import settings  # noqa: E402

settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile("ci")

SAMPLE = ROOT / "editions" / "sample" / "edition.yaml"


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    from layout.build.pipeline import BuildOptions, build

    out = tmp_path_factory.mktemp("sample")
    res = build(SAMPLE, BuildOptions(out_dir=out, verify=True))
    return res


@pytest.fixture(scope="session")
def sample_prepared():
    from layout.build.pipeline import prepare

    return prepare(SAMPLE)


@pytest.fixture(scope="session")
def sample_pages(sample_prepared):
    from layout.build.pipeline import compose_all

    return compose_all(sample_prepared)
