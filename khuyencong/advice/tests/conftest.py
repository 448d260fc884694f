from __future__ import annotations

import pytest

from khuyencong.advice import services
from khuyencong.advice.models import AdviceRequest


@pytest.fixture
def submit():
    def make(**extra: object) -> tuple[AdviceRequest, str]:
        data: dict[str, object] = {
            "business_name": "HTX Mây tre đan Ba Sơn",
            "topic": "technology",
            "question": "Chúng tôi muốn mua máy chẻ nan; Trung tâm hỗ trợ được bao nhiêu?",
            "contact_name": "Hoàng Thị Lan",
            "email": "lan.htx@example.vn",
            "phone": "0912 345 678",
        }
        data.update(extra)
        return services.request_submit(**data)  # type: ignore[arg-type]

    return make


@pytest.fixture
def advice(submit) -> AdviceRequest:
    return submit()[0]
