"""Demo data for `khuyencong setup --demo`: named users for every role, a small registry and projects.

Establishments are fictional except Công ty TNHH thương mại Hưng Long, which the source article
(Báo Lạng Sơn, 07/08/2012) names for its plastics line; no tax codes are invented for any of them.
Idempotent: records are matched by user name, by normalised name + commune, and projects by code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from khuyencong.accounts.choices import Role
from khuyencong.accounts.models import User
from khuyencong.core.text import search_tokens
from khuyencong.establishments import services
from khuyencong.establishments.models import Establishment
from khuyencong.geo.choices import Generation, Level
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.portal.demo import build_demo_news
from khuyencong.products.demo import build_demo_products
from khuyencong.projects.demo import build_demo_projects
from khuyencong.results.demo import build_demo_results

DEMO_PASSWORD_ENV = "KHUYENCONG_DEMO_PASSWORD"
DEFAULT_DEMO_PASSWORD = "khuyencong-demo-2025"

# (short name of a current Lạng Sơn commune/ward, establishment fields)
DEMO_ESTABLISHMENTS: list[tuple[str, dict[str, Any]]] = [
    (
        "Tam Thanh",
        {
            "name": "Công ty TNHH thương mại Hưng Long",
            "legal_form": "small_enterprise",
            "sector": "chemicals_plastics",
            "workers": 60,
            "women_workers": 22,
            "ethnic_minority_workers": 35,
            "address": "Phường Tam Thanh, tỉnh Lạng Sơn",
            "products": "Sản phẩm nhựa dân dụng",
        },
    ),
    (
        "Đồng Đăng",
        {
            "name": "Hợp tác xã chế biến lâm sản Đồng Đăng",
            "legal_form": "cooperative",
            "sector": "forest_products",
            "workers": 28,
            "women_workers": 9,
            "ethnic_minority_workers": 20,
            "products": "Ván bóc, đũa gỗ",
        },
    ),
    (
        "Hữu Lũng",
        {
            "name": "Công ty cổ phần vật liệu xây dựng Hữu Lũng",
            "legal_form": "medium_enterprise",
            "sector": "building_materials",
            "workers": 120,
            "women_workers": 30,
            "ethnic_minority_workers": 70,
            "products": "Gạch không nung",
        },
    ),
    (
        "Lương Văn Tri",
        {
            "name": "Cơ sở cơ khí Phú Thịnh",
            "legal_form": "household_business",
            "sector": "mechanical",
            "workers": 8,
            "women_workers": 1,
            "ethnic_minority_workers": 5,
            "products": "Máy nghiền, máy sàng",
        },
    ),
    (
        "Bắc Sơn",
        {
            "name": "Hộ kinh doanh chế biến thực phẩm Hoa Sen",
            "legal_form": "household_business",
            "sector": "food_processing",
            "workers": 6,
            "women_workers": 5,
            "ethnic_minority_workers": 6,
            "products": "Bánh khảo, miến dong",
        },
    ),
    (
        "Chi Lăng",
        {
            "name": "Tổ hợp tác mây tre đan Quang Lang",
            "legal_form": "cooperative_group",
            "sector": "handicrafts",
            "workers": 25,
            "women_workers": 18,
            "ethnic_minority_workers": 25,
            "products": "Rổ, rá, làn mây tre",
        },
    ),
    (
        "Kỳ Lừa",
        {
            "name": "Công ty TNHH may mặc Kỳ Lừa",
            "legal_form": "small_enterprise",
            "sector": "textiles",
            "workers": 85,
            "women_workers": 70,
            "ethnic_minority_workers": 40,
            "products": "Quần áo bảo hộ lao động",
        },
    ),
    (
        "Đông Kinh",
        {
            "name": "Doanh nghiệp tư nhân chế biến hồi Đông Kinh",
            "legal_form": "micro_enterprise",
            "sector": "forest_products",
            "workers": 9,
            "women_workers": 4,
            "ethnic_minority_workers": 6,
            "products": "Tinh dầu hồi, hoa hồi sấy",
        },
    ),
]

DEMO_USERS: list[tuple[str, str, str, str]] = [
    # username, role, first name, last name
    ("quantri", Role.ADMIN, "Quản trị", "hệ thống"),
    ("canbo", Role.OFFICER, "Nguyễn Thị", "Hoa"),
    ("lanhdao", Role.LEADER, "Hoàng Văn", "Minh"),
    ("canboxa", Role.COMMUNE_OFFICER, "Lý Thị", "Mai"),
    ("hoidong", Role.COUNCIL_MEMBER, "Vi Văn", "Thắng"),
    ("daidien", Role.BUSINESS, "Lê Văn", "Long"),
    ("nguoidan", Role.PUBLIC, "Nông Thị", "Lan"),
]


@dataclass
class DemoReport:
    users_created: int = 0
    establishments_created: int = 0
    projects_created: int = 0
    password: str = ""


def _commune(short_name: str, province: str) -> AdministrativeUnit | None:
    qs = AdministrativeUnit.objects.filter(generation=Generation.CURRENT, level=Level.COMMUNE)
    if province != "all":
        qs = qs.filter(parent__code=province)
    return qs.filter(short_name=short_name).first()


@transaction.atomic
def load_demo(*, province: str = "20") -> DemoReport:
    report = DemoReport(password=os.environ.get(DEMO_PASSWORD_ENV, DEFAULT_DEMO_PASSWORD))
    users: dict[str, User] = {}
    for username, role, first, last in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=report.password,
                role=role,
                first_name=first,
                last_name=last,
                is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
            )
            report.users_created += 1
        users[username] = user
    admin = users["quantri"]
    created: dict[str, Establishment] = {}
    for short_name, fields in DEMO_ESTABLISHMENTS:
        commune = _commune(short_name, province)
        if commune is None:
            continue  # a province other than Lạng Sơn: the demo registry is Lạng Sơn's
        existing = Establishment.objects.filter(
            commune=commune, name_key=" ".join(search_tokens(fields["name"]))
        ).first()
        if existing is None:
            existing = services.establishment_create(actor=admin, data={**fields, "commune": commune})
            report.establishments_created += 1
        created[fields["name"]] = existing
    tam_thanh = _commune("Tam Thanh", province)
    commune_officer = users["canboxa"]
    if tam_thanh is not None and not commune_officer.scope_units.exists():
        commune_officer.scope_units.add(tam_thanh)
    hung_long = created.get("Công ty TNHH thương mại Hưng Long")
    representative = users["daidien"]
    if hung_long is not None and representative.establishment_id is None:
        representative.establishment = hung_long
        representative.save(update_fields=["establishment"])
    # The 2008–2012 programme of the source article and a few current projects, built through the
    # project services with the users above (khuyencong/projects/demo.py).
    built = build_demo_projects(province=province)
    report.projects_created = built.projects_created
    report.establishments_created += built.establishments_created
    build_demo_results(province=province)  # later values and follow-ups (khuyencong/results/demo.py)
    build_demo_news(actor=admin)  # the 2012 article, in our own words (khuyencong/portal/demo.py)
    build_demo_products()  # illustrative typical products and rounds (khuyencong/products/demo.py)
    return report
