import os

import pytest

from khuyencong.ops.tests.installation import Installation, copy_of, demo_template


@pytest.fixture(scope="session")
def demo_var(tmp_path_factory) -> object:
    # Under xdist the parent of the per-worker base folder is this run's, shared by its workers; without
    # xdist that parent is shared by every run, so the run's own base folder is used.
    base = tmp_path_factory.getbasetemp()
    return demo_template(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base)


@pytest.fixture
def demo(demo_var, tmp_path) -> Installation:
    """A copy of the demo installation on a SQLite file, for one test."""
    return copy_of(demo_var, tmp_path / "var")
