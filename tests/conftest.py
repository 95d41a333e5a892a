"""Shared fixtures: the sample edition is built once per test session (print mode).

Also the `slow` marker's one automatic rule (a test that takes `sample_build` waits for a
whole 36-page edition, so it is slow) and the end-of-run measurements: tests that time
or size something record a line through the `measurements` fixture, and
pytest_terminal_summary prints those lines after the results (the numbers are for the
reader; the tests themselves assert the bounds).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
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

# section title -> lines, in the order they were recorded
_MEASURED = pytest.StashKey[dict[str, list[str]]]()


def pytest_collection_modifyitems(config, items):
    """Whoever needs the full sample build waits several seconds for it: such a test is slow."""
    for item in items:
        if "sample_build" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def measurements(request) -> Callable[[str, str], None]:
    """record(section, line): a line printed under `section` in the terminal summary."""
    store = request.config.stash.setdefault(_MEASURED, {})

    def record(section: str, line: str) -> None:
        store.setdefault(section, []).append(line)

    return record


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for section, lines in config.stash.get(_MEASURED, {}).items():
        terminalreporter.section(section, sep="-")
        for line in lines:
            terminalreporter.write_line(line)


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
