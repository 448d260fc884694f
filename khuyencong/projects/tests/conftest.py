import datetime as dt

import pytest

from khuyencong.projects import services


@pytest.fixture
def proposal(officer, geo, hung_long):
    """A local-programme demonstration model at Hưng Long: 2 bn eligible, 500 m asked (cap 600 m)."""
    return services.project_create(
        actor=officer,
        data={
            "code": "KCĐP-2024-007",
            "title": "Mô hình trình diễn dây chuyền sản xuất ống nhựa",
            "category": "demonstration_model",
            "level": "local",
            "plan_year": 2024,
            "implementing_unit": "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp Lạng Sơn",
            "unit": geo.tam_thanh,
            "eligible_cost": 2_000_000_000,
            "start_date": dt.date(2024, 3, 1),
            "end_date": dt.date(2024, 11, 30),
        },
        beneficiaries=[hung_long],
        budget={"provincial": 500_000_000, "beneficiary": 1_500_000_000},
        expected={"jobs_created": 30, "models": 1},
    )
