"""The fixed cast every test draws on: a small Lạng Sơn geography and one named user per role."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, settings

from khuyencong.geo.choices import Generation, Level

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile(
    "dev", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_collection_modifyitems(config, items):
    """`postgres_only` tests run in the PostgreSQL stage (KHUYENCONG_EXPECT_DB=postgresql); elsewhere they
    are deselected (not skipped: they are not part of that run at all)."""
    if os.environ.get("KHUYENCONG_EXPECT_DB") == "postgresql":
        return
    dropped = [item for item in items if item.get_closest_marker("postgres_only")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker("postgres_only")]


PASSWORD = "mat-khau-thu-nghiem-2025"

_DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After every test that used the database, the stored per-project facts (results.facts) must equal a
    fresh computation: whatever the test changed, through whichever path, kept them current. Runs inside
    the test's own database state, before its rollback. Opt out with @pytest.mark.facts_not_checked("why")
    where the database is not reachable at the end (a test that stops it)."""
    result = yield
    uses_db = _DB_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("django_db")
    if uses_db and not item.get_closest_marker("facts_not_checked"):
        from khuyencong.results.facts import drift

        problems = drift()
        assert not problems, "stored project facts are stale after this test:\n" + "\n".join(problems)
    return result


@pytest.fixture(autouse=True)
def vietnamese_by_default():
    """Each test starts in the default language: a request that chose English leaves the thread in it."""
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_public_cache():
    """Anonymous pages cached during one test (core.public_cache) must not answer the next one."""
    from django.core.cache import caches

    caches["public_pages"].clear()
    caches["public_versions"].clear()


@pytest.fixture
def geo(db):
    """A small hand-built geography with real Lạng Sơn names but an invented arrangement.

    Old: Thành phố Lạng Sơn > Phường Tam Thanh, Phường Vĩnh Trại; Huyện Cao Lộc > Xã Hợp Thành.
    New: Phường Tam Thanh, Phường Lương Văn Tri, Xã Ba Sơn. The links (Vĩnh Trại divided between Lương
    Văn Tri and Tam Thanh) and the codes are made up to exercise a divided commune; the real 2025
    links are loaded from the packages and checked in khuyencong/geo/tests/test_lookups.py.
    """
    from khuyencong.geo.models import AdministrativeUnit, UnitSuccession

    legacy_end = dt.date(2025, 6, 30)
    reform = dt.date(2025, 7, 1)

    def unit(code, name, short, level, generation, parent=None):
        return AdministrativeUnit.objects.create(
            code=code,
            name=name,
            short_name=short,
            level=level,
            generation=generation,
            parent=parent,
            valid_to=legacy_end if generation == Generation.LEGACY else None,
            valid_from=reform if generation == Generation.CURRENT else None,
        )

    old_province = unit("20", "Tỉnh Lạng Sơn", "Lạng Sơn", Level.PROVINCE, Generation.LEGACY)
    old_city = unit("178", "Thành phố Lạng Sơn", "Lạng Sơn", Level.DISTRICT, Generation.LEGACY, old_province)
    old_cao_loc = unit("186", "Huyện Cao Lộc", "Cao Lộc", Level.DISTRICT, Generation.LEGACY, old_province)
    old_tam_thanh = unit("90001", "Phường Tam Thanh", "Tam Thanh", Level.COMMUNE, Generation.LEGACY, old_city)
    old_vinh_trai = unit("90002", "Phường Vĩnh Trại", "Vĩnh Trại", Level.COMMUNE, Generation.LEGACY, old_city)
    old_hop_thanh = unit("90003", "Xã Hợp Thành", "Hợp Thành", Level.COMMUNE, Generation.LEGACY, old_cao_loc)
    province = unit("20", "Tỉnh Lạng Sơn", "Lạng Sơn", Level.PROVINCE, Generation.CURRENT)
    tam_thanh = unit("90101", "Phường Tam Thanh", "Tam Thanh", Level.COMMUNE, Generation.CURRENT, province)
    luong_van_tri = unit(
        "90102", "Phường Lương Văn Tri", "Lương Văn Tri", Level.COMMUNE, Generation.CURRENT, province
    )
    ba_son = unit("90103", "Xã Ba Sơn", "Ba Sơn", Level.COMMUNE, Generation.CURRENT, province)
    for old, new, default in [
        (old_tam_thanh, tam_thanh, True),
        (old_vinh_trai, luong_van_tri, True),
        (old_vinh_trai, tam_thanh, False),
        (old_hop_thanh, ba_son, True),
    ]:
        UnitSuccession.objects.create(predecessor=old, successor=new, is_default=default, effective=reform)

    class Geo:
        pass

    g = Geo()
    for key, value in locals().copy().items():
        if hasattr(value, "pk"):
            setattr(g, key, value)
    return g


def _user(username, role, **extra):
    from khuyencong.accounts.models import User

    user = User.objects.create_user(username=username, password=PASSWORD, role=role, **extra)
    return user


@pytest.fixture
def administrator(db):
    return _user("quantri", "admin", first_name="Quản trị", is_staff=True)


@pytest.fixture
def officer(db):
    return _user("canbo", "officer", first_name="Nguyễn Văn", last_name="Cán")


@pytest.fixture
def leader(db):
    return _user("lanhdao", "leader", first_name="Hoàng Thị", last_name="Lãnh")


@pytest.fixture
def commune_officer(geo):
    """Officer of the current Phường Tam Thanh: sees Tam Thanh and the old units it came from."""
    user = _user("canboxa", "commune_officer", first_name="Lý Văn", last_name="Xã")
    user.scope_units.add(geo.tam_thanh)
    return user


@pytest.fixture
def council_member(db):
    return _user("hoidong", "council_member", first_name="Vi Thị", last_name="Hội")


@pytest.fixture
def public_user(db):
    return _user("nguoidan", "public")


@pytest.fixture
def outsider(geo):
    """A commune officer of another commune (Ba Sơn): the one who must get 404s."""
    user = _user("canbokhac", "commune_officer")
    user.scope_units.add(geo.ba_son)
    return user


@pytest.fixture
def hung_long(geo):
    from khuyencong.establishments.models import Establishment

    est = Establishment(
        name="Công ty TNHH thương mại Hưng Long",
        legal_form="small_enterprise",
        tax_code="0100109106",
        representative="Hoàng Văn Long",
        phone="0912345678",
        address="Khối 5, phường Tam Thanh",
        commune=geo.tam_thanh,
        sector="chemicals_plastics",
        workers=45,
        women_workers=20,
        ethnic_minority_workers=30,
        founded_year=2004,
        products="Ống nhựa, tấm nhựa",
    )
    est.full_clean()
    est.save()
    return est


@pytest.fixture
def ba_son_coop(geo):
    """An establishment outside the commune officer's scope."""
    from khuyencong.establishments.models import Establishment

    est = Establishment(
        name="Hợp tác xã chế biến lâm sản Ba Sơn",
        legal_form="cooperative",
        commune=geo.ba_son,
        sector="forest_products",
        workers=12,
    )
    est.full_clean()
    est.save()
    return est


@pytest.fixture
def business_rep(hung_long):
    return _user("daidien", "business", establishment=hung_long, first_name="Hoàng Văn", last_name="Long")


# (model, data migration with a `ship(apps, schema_editor)`) for every table a migration fills.
SHIPPED_DATA = [
    ("rules.RuleSet", "khuyencong.rules.migrations.0002_default_rule_sets"),
    ("projects.AcceptanceChecklistItem", "khuyencong.projects.migrations.0008_default_acceptance_checklist"),
    ("appraisal.CriteriaSet", "khuyencong.appraisal.migrations.0002_default_criteria"),
    ("transparency.PublicationRule", "khuyencong.transparency.migrations.0002_default_policy"),
]


@pytest.fixture
def restores_shipped_data(django_db_blocker):
    """For tests that commit for real: put back the data migrations ship once the test's flush is done.

    A transactional test ends with a flush of every table, which also empties the support caps that a
    migration ships; later tests on the same worker rely on them. Request this fixture *before*
    `transactional_db` so that its teardown runs after the flush.
    """
    yield
    with django_db_blocker.unblock():
        import importlib

        from django.apps import apps

        for label, migration in SHIPPED_DATA:
            if not apps.get_model(label).objects.exists():
                importlib.import_module(migration).ship(apps, None)
