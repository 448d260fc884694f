import pytest

from khuyencong.ops.tests.installation import Installation, copy_of, demo_template


@pytest.fixture(scope="session")
def demo_var(tmp_path_factory) -> object:
    # The parent of the per-worker base folder is shared by every xdist worker of this run.
    return demo_template(tmp_path_factory.getbasetemp().parent)


@pytest.fixture
def demo(demo_var, tmp_path) -> Installation:
    """A copy of the demo installation on a SQLite file, for one test."""
    return copy_of(demo_var, tmp_path / "var")
