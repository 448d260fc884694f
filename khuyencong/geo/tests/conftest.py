"""Fixtures of the geography tests: the real Lạng Sơn data, loaded from the offline packages."""

from __future__ import annotations

import pytest

from khuyencong.geo.choices import Generation, Level
from khuyencong.geo.loader import LoadSummary, load_geography
from khuyencong.geo.models import AdministrativeUnit


class Units:
    """Find loaded units by statistics code without repeating the query in every test."""

    def legacy(self, code: str, level: str = Level.COMMUNE) -> AdministrativeUnit:
        return AdministrativeUnit.objects.get(generation=Generation.LEGACY, level=level, code=code)

    def current(self, code: str, level: str = Level.COMMUNE) -> AdministrativeUnit:
        return AdministrativeUnit.objects.get(generation=Generation.CURRENT, level=level, code=code)


@pytest.fixture
def lang_son(db) -> LoadSummary:
    return load_geography(province="20")


@pytest.fixture
def units() -> Units:
    return Units()
