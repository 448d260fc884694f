"""A small world for the permission sweep: the root conftest's cast and geography, and one record of each
kind inside a commune officer's / business representative's scope and one outside it, made through the
real services.

Three canaries mark text that only some roles may read. They sit in the *names* of records that never
reach a public page, and only in private fields (descriptions, products, notes) of records whose names the
transparency pages publish:

- OWN: Hưng Long's records (Phường Tam Thanh): the business representative's own.
- NEIGHBOUR: another Tam Thanh establishment's records: the commune officer's, not the representative's.
- OUT: Xã Ba Sơn's records: outside both (the `outsider`, Ba Sơn's officer, sees them).
"""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

OWN = "ZQOWNCANARYZQ"
NEIGHBOUR = "ZQNEIGHCANARYZQ"
OUT = "ZQOUTCANARYZQ"
CANARIES = (OWN, NEIGHBOUR, OUT)

PASSWORD = "mat-khau-thu-nghiem-2025"
M = 1_000_000

# Role fixture name -> the canaries that role must never be shown.
FORBIDDEN: dict[str, frozenset[str]] = {
    "administrator": frozenset(),
    "officer": frozenset(),
    "leader": frozenset(),
    "commune_officer": frozenset({OUT}),
    "outsider": frozenset({OWN, NEIGHBOUR}),
    "business_rep": frozenset({NEIGHBOUR, OUT}),
    "council_member": frozenset(CANARIES),
    "public_user": frozenset(CANARIES),
    "anonymous": frozenset(CANARIES),
}
ROLES = tuple(FORBIDDEN)
PROVINCE_WIDE = frozenset({"administrator", "officer", "leader"})


def _ship_catalogues() -> None:
    """The tables migrations fill, put back if a transactional test elsewhere flushed them."""
    from django.apps import apps

    from conftest import SHIPPED_DATA

    extra = [("results.Indicator", "khuyencong.results.migrations.0002_indicator_catalogue")]
    for label, migration in [*SHIPPED_DATA, *extra]:
        if not apps.get_model(label).objects.exists():
            importlib.import_module(migration).ship(apps, None)


def _geo() -> SimpleNamespace:
    from khuyencong.geo.choices import Generation, Level
    from khuyencong.geo.models import AdministrativeUnit, UnitSuccession

    legacy_end, reform = dt.date(2025, 6, 30), dt.date(2025, 7, 1)

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
            latitude=Decimal("21.85"),
            longitude=Decimal("106.76"),
        )

    g = SimpleNamespace()
    g.old_province = unit("20", "Tỉnh Lạng Sơn", "Lạng Sơn", Level.PROVINCE, Generation.LEGACY)
    g.old_city = unit(
        "178", "Thành phố Lạng Sơn", "Lạng Sơn", Level.DISTRICT, Generation.LEGACY, g.old_province
    )
    g.old_cao_loc = unit("186", "Huyện Cao Lộc", "Cao Lộc", Level.DISTRICT, Generation.LEGACY, g.old_province)
    g.old_tam_thanh = unit(
        "90001", "Phường Tam Thanh", "Tam Thanh", Level.COMMUNE, Generation.LEGACY, g.old_city
    )
    g.old_vinh_trai = unit(
        "90002", "Phường Vĩnh Trại", "Vĩnh Trại", Level.COMMUNE, Generation.LEGACY, g.old_city
    )
    g.old_hop_thanh = unit(
        "90003", "Xã Hợp Thành", "Hợp Thành", Level.COMMUNE, Generation.LEGACY, g.old_cao_loc
    )
    g.province = unit("20", "Tỉnh Lạng Sơn", "Lạng Sơn", Level.PROVINCE, Generation.CURRENT)
    g.tam_thanh = unit(
        "90101", "Phường Tam Thanh", "Tam Thanh", Level.COMMUNE, Generation.CURRENT, g.province
    )
    g.luong_van_tri = unit(
        "90102", "Phường Lương Văn Tri", "Lương Văn Tri", Level.COMMUNE, Generation.CURRENT, g.province
    )
    g.ba_son = unit("90103", "Xã Ba Sơn", "Ba Sơn", Level.COMMUNE, Generation.CURRENT, g.province)
    for old, new, default in [
        (g.old_tam_thanh, g.tam_thanh, True),
        (g.old_vinh_trai, g.luong_van_tri, True),
        (g.old_vinh_trai, g.tam_thanh, False),
        (g.old_hop_thanh, g.ba_son, True),
    ]:
        UnitSuccession.objects.create(predecessor=old, successor=new, is_default=default, effective=reform)
    return g


def _user(username: str, role: str, **extra: Any):
    from khuyencong.accounts.models import User

    return User.objects.create_user(username=username, password=PASSWORD, role=role, **extra)


def _establishment(**fields: Any):
    from khuyencong.establishments.models import Establishment

    est = Establishment(**fields)
    est.full_clean()
    est.save()
    return est


def png_bytes(seed: str = "") -> bytes:
    """A tiny PNG; a different `seed` gives a different picture (uploads refuse a file seen before)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30 + sum(map(ord, seed)) % 200)).save(out, format="PNG")
    return out.getvalue()


def pdf_upload(name: str = "to-trinh.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def build() -> SimpleNamespace:
    """The whole world; every write through the services a user's clicks go through."""
    from khuyencong.advice import services as advice_services
    from khuyencong.appraisal import services as appraisal_services
    from khuyencong.appraisal.tests.factories import make_council, member_user, shipped_criteria
    from khuyencong.geo.models import PriorityClassification
    from khuyencong.imports.models import ImportRun
    from khuyencong.plans import services as plan_services
    from khuyencong.portal import services as portal_services
    from khuyencong.products import services as product_services
    from khuyencong.products.choices import MemberPosition, ProductGroup, RecognitionLevel
    from khuyencong.projects import amendment_services, calls, document_services
    from khuyencong.projects import services as project_services
    from khuyencong.projects.choices import Status
    from khuyencong.projects.models import Project
    from khuyencong.projects.tests.helpers import accept, walk
    from khuyencong.results import services as result_services
    from khuyencong.results.models import ReportRun
    from khuyencong.rules.models import CapRule, RuleSet

    _ship_catalogues()
    w = SimpleNamespace()
    g = w.geo = _geo()

    # The cast of the root conftest, same names and scopes.
    w.users = u = SimpleNamespace()
    u.administrator = _user("quantri", "admin", first_name="Quản trị", is_staff=True)
    u.officer = _user("canbo", "officer", first_name="Nguyễn Văn", last_name="Cán")
    u.leader = _user("lanhdao", "leader", first_name="Hoàng Thị", last_name="Lãnh")
    u.commune_officer = _user("canboxa", "commune_officer", first_name="Lý Văn", last_name="Xã")
    u.commune_officer.scope_units.add(g.tam_thanh)
    u.council_member = _user("hoidong", "council_member", first_name="Vi Thị", last_name="Hội")
    u.public_user = _user("nguoidan", "public")
    u.outsider = _user("canbokhac", "commune_officer")
    u.outsider.scope_units.add(g.ba_son)
    officer, leader = u.officer, u.leader

    hung_long = _establishment(
        name="Công ty TNHH thương mại Hưng Long",
        legal_form="small_enterprise",
        tax_code="0100109106",
        representative="Hoàng Văn Long",
        phone="0912345678",
        address="Khối 5, phường Tam Thanh",
        commune=g.tam_thanh,
        sector="chemicals_plastics",
        workers=45,
        women_workers=20,
        ethnic_minority_workers=30,
        founded_year=2004,
        products=f"Ống nhựa, tấm nhựa {OWN}",
    )
    u.business_rep = _user(
        "daidien", "business", establishment=hung_long, first_name="Hoàng Văn", last_name="Long"
    )
    neighbour = _establishment(
        name=f"Hộ kinh doanh {NEIGHBOUR}",
        legal_form="household_business",
        representative=f"Chủ hộ {NEIGHBOUR}",
        phone="0911000111",
        commune=g.tam_thanh,
        sector="food_processing",
        workers=3,
    )
    ba_son_coop = _establishment(
        name="Hợp tác xã chế biến lâm sản Ba Sơn",
        legal_form="cooperative",
        representative=f"Giám đốc {OUT}",
        address=f"Thôn Nà Pàn {OUT}",
        phone="0987000111",
        commune=g.ba_son,
        sector="forest_products",
        workers=12,
        products=f"Ván bóc {OUT}",
    )
    ba_son_household = _establishment(
        name=f"Hộ kinh doanh {OUT}",
        legal_form="household_business",
        representative=f"Chủ hộ {OUT}",
        tax_code="020185000999",
        phone="0987000222",
        commune=g.ba_son,
        sector="food_processing",
        workers=4,
    )
    # Merging needs a duplicate on each side.
    dup_in = _establishment(
        name=f"Hưng Long trùng {OWN}", legal_form="small_enterprise", commune=g.tam_thanh, sector="other"
    )
    dup_out = _establishment(
        name=f"Ba Sơn trùng {OUT}", legal_form="cooperative", commune=g.ba_son, sector="other"
    )

    def project(code, unit, beneficiaries, *, title, description, year=2024, category="demonstration_model"):
        return project_services.project_create(
            actor=officer,
            data={
                "code": code,
                "title": title,
                "category": category,
                "level": "local",
                "plan_year": year,
                "implementing_unit": "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp Lạng Sơn",
                "unit": unit,
                "eligible_cost": 2_000_000_000,
                "start_date": dt.date(year, 3, 1),
                "end_date": dt.date(year, 11, 30),
                "description": description,
                "repeat_justification": "Mở rộng mô hình sang dây chuyền thứ hai",
            },
            beneficiaries=beneficiaries,
            budget={"provincial": 500 * M, "beneficiary": 1_500 * M},
            expected={"jobs_created": 30, "models": 1},
            on=dt.date(year, 1, 10),
        )

    sides = {}
    for key, unit, est, household, dup, canary, letter in [
        ("inn", g.tam_thanh, hung_long, neighbour, dup_in, OWN, "A"),
        ("out", g.ba_son, ba_son_coop, ba_son_household, dup_out, OUT, "B"),
    ]:
        s = SimpleNamespace(unit=unit, establishment=est, household=household, duplicate=dup, canary=canary)
        # A draft (never public): the canary in its title.
        s.draft = project(
            f"PQ{letter}-2026-001", unit, [est], title=f"Dự thảo {canary}", description=canary, year=2026
        )
        # Under appraisal, on a council: the council member of the inside council may read it, so it
        # carries no canary at all.
        s.appraised = project(
            f"PQ{letter}-2024-002", unit, [est], title=f"Đề án thẩm định {letter}", description=""
        )
        project_services.project_submit(project=s.appraised, actor=officer, on=dt.date(2024, 1, 15))
        project_services.project_transition(project=s.appraised, to=Status.UNDER_APPRAISAL, actor=officer)
        # Proposed for the 2026 plan.
        s.proposed = project(
            f"PQ{letter}-2026-003",
            unit,
            [est],
            title=f"Đề án đề xuất {canary}",
            description=canary,
            year=2026,
            category="training",
        )
        project_services.project_submit(project=s.proposed, actor=officer, on=dt.date(2025, 9, 1))
        project_services.project_transition(project=s.proposed, to=Status.UNDER_APPRAISAL, actor=officer)
        Project.objects.filter(pk=s.proposed.pk).update(appraisal_score=Decimal("82.5"))
        project_services.project_transition(project=s.proposed, to=Status.PROPOSED, actor=officer)
        s.proposed.refresh_from_db()
        # Submitted (not yet public): the canary in its title.
        s.submitted = project(
            f"PQ{letter}-2026-007", unit, [est], title=f"Đề án đã nộp {canary}", description=canary, year=2026
        )
        project_services.project_submit(project=s.submitted, actor=officer, on=dt.date(2025, 9, 1))
        # Approved (public: the title is published, the description is not).
        s.approved = project(
            f"PQ{letter}-2024-008", unit, [est], title=f"Đề án đã duyệt {letter}", description=canary
        )
        walk(s.approved, Status.APPROVED, officer=officer, leader=leader)
        # Awaiting acceptance: every council member may read it (acceptance councils), so no canary.
        s.awaiting = project(
            f"PQ{letter}-2024-009", unit, [est], title=f"Đề án chờ nghiệm thu {letter}", description=""
        )
        walk(s.awaiting, Status.AWAITING_ACCEPTANCE, officer=officer, leader=leader)
        # Running (public: title public, description private), with a document and an open amendment.
        s.running = project(
            f"PQ{letter}-2024-004", unit, [est], title=f"Đề án đang làm {letter}", description=canary
        )
        walk(s.running, Status.IN_PROGRESS, officer=officer, leader=leader)
        project_services.project_record_advance(
            project=s.running, actor=officer, amount_vnd=100 * M, paid_on=dt.date(2024, 3, 5)
        )
        s.document = document_services.project_document_upload(
            project=s.running,
            actor=officer,
            upload=pdf_upload(f"to-trinh-{letter}.pdf"),
            kind="other",
            title=f"Tờ trình {canary}",
        )
        s.amendment = amendment_services.amendment_request(
            project=s.running,
            actor=officer,
            reason=f"Lùi thời hạn {canary}",
            proposed={"end_date": dt.date(2024, 12, 20)},
        )
        # Accepted, with a recorded value and a follow-up (results).
        s.accepted = project(
            f"PQ{letter}-2024-005", unit, [est], title=f"Đề án đã nghiệm thu {letter}", description=canary
        )
        walk(s.accepted, Status.AWAITING_ACCEPTANCE, officer=officer, leader=leader)
        s.photo_document = document_services.project_document_upload(
            project=s.accepted,
            actor=officer,
            kind="photo",
            title=f"Ảnh nghiệm thu {letter}",
            upload=SimpleUploadedFile(f"anh-{letter}.png", png_bytes(letter), content_type="image/png"),
        )
        accept(s.accepted, officer, results={"jobs_created": 31, "models": 1}, notes=f"Biên bản {canary}")
        s.accepted.refresh_from_db()
        s.value = result_services.indicator_value_record(
            project=s.accepted,
            actor=officer,
            indicator="trained_employed",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 6, 30),
            value=25,
            women=10,
            source="site_visit",
            note=f"Ghi chú {canary}",
        )
        # The neighbour's draft: the commune officer's, not the representative's.
        s.neighbour_draft = project(
            f"PQ{letter}-2026-006",
            unit,
            [household],
            title=f"Dự thảo hộ {canary if key == 'out' else NEIGHBOUR}",
            description=canary if key == "out" else NEIGHBOUR,
            year=2026,
        )
        sides[key] = s
    w.inn, w.out = sides["inn"], sides["out"]

    # Appraisal: the council member sits on the inside council only.
    criteria = shipped_criteria()
    other = member_user("thamdinhkhac", "Lò Văn", "Khác")
    second = member_user("thamdinh2", "Hà Thị", "Thu")
    w.inn.council = make_council(
        officer=officer,
        year=2024,
        level="local",
        members=[u.council_member, second],
        criteria_set=criteria,
        name="Hội đồng thẩm định trong",
    )
    w.out.council = make_council(
        officer=officer,
        year=2024,
        level="local",
        members=[other],
        criteria_set=criteria,
        name=f"Hội đồng thẩm định {OUT}",
    )
    for s in (w.inn, w.out):
        s.assignment = appraisal_services.proposal_assign(
            council=s.council, actor=officer, project=s.appraised
        )
        s.member = s.council.members.order_by("pk").first()

    # Calls, plans, rule sets, priorities: province-wide records.
    now = timezone.now()
    w.call = calls.call_create(
        actor=officer,
        data=calls.CallData(
            year=2026,
            level="local",
            title="Đợt xét chọn đề án khuyến công địa phương năm 2026",
            opens_at=now - dt.timedelta(days=10),
            deadline=now + dt.timedelta(days=30),
            categories=["training", "demonstration_model"],
        ),
    )
    w.plan = plan_services.plan_create(
        actor=officer,
        year=2026,
        level="local",
        rules=plan_services.PlanRules(
            reference_date=dt.date(2025, 12, 1), envelopes={"provincial": 500 * M, "central": 0}
        ),
    )
    w.scenario = plan_services.plan_optimize(plan=w.plan, actor=officer, name="Phương án 1")
    w.rule_set = RuleSet.objects.create(
        document="Nghị quyết thử nghiệm 99/NQ-HĐND",
        article="Điều 3",
        level="local",
        province="20",
        valid_from=dt.date(2020, 1, 1),
        verified=True,
    )
    w.cap_rule = CapRule.objects.create(
        rule_set=w.rule_set,
        category="machinery_application",
        subtype="equipment",
        max_share_bp=5000,
        max_amount_vnd=200 * M,
        multiplier=Decimal("1"),
        verified=True,
    )
    w.priority = PriorityClassification.objects.create(
        unit=g.ba_son, kind="difficult", valid_from=dt.date(2025, 1, 1), legal_basis="QĐ thử nghiệm"
    )

    # Reports and imports asked for by the centre: never the commune officer's to read.
    w.report = ReportRun.objects.create(
        kind="annual", format="xlsx", parameters={"year": 2024}, requested_by=officer
    )
    w.report.file.save("bao-cao-thu.xlsx", ContentFile(b"PK\x03\x04 " + OUT.encode()), save=True)
    w.report.status = "done"
    w.report.save()
    w.import_run = ImportRun.objects.create(
        kind="establishments",
        original_name=f"co-so-{OUT}.xlsx",
        requested_by=officer,
        status="checked",
        report={"errors": [{"message": OUT}]},
    )
    w.import_run.file.save("co-so.xlsx", ContentFile(b"PK\x03\x04 " + OUT.encode()), save=True)
    w.import_run.annotated.save("co-so-loi.xlsx", ContentFile(b"PK\x03\x04 " + OUT.encode()), save=True)

    # Advice: a private question, visible to the centre only.
    w.advice, w.advice_token = advice_services.request_submit(
        business_name=f"HTX {OUT}",
        topic="technology",
        question=f"Chúng tôi muốn mua máy chẻ nan {OUT}",
        contact_name="Hoàng Thị Lan",
        email="lan.htx@example.vn",
        phone="0912 345 678",
    )

    # Portal: one article published, one draft with the canary; a comment waiting for moderation.
    w.article = portal_services.article_save(
        actor=officer,
        data={
            "title": "Hỗ trợ máy móc cho cơ sở chế biến",
            "summary": "Tóm tắt",
            "body": "Đoạn một.",
            "published_at": now - dt.timedelta(days=1),
        },
    )
    w.draft_article = portal_services.article_save(
        actor=officer,
        data={"title": f"Bài nháp {OUT}", "summary": OUT, "body": OUT, "published_at": None},
    )
    w.comment = portal_services.comment_submit(
        article=w.article,
        name="Bạn đọc",
        email="ban.doc@example.vn",
        text=f"Ý kiến chờ duyệt {OUT}",
        ip_address=None,
    )

    # Products: a recognised product (public) and an unrecognised one (private) on each side; a round.
    for s, group in ((w.inn, ProductGroup.MACHINERY), (w.out, ProductGroup.PROCESSED_FOOD)):
        s.product = product_services.product_create(
            actor=officer,
            data={
                "name": f"Sản phẩm công nhận {s.unit.short_name}",
                "group": group,
                "producer": s.establishment,
                "commune": None,
                "description": "Mô tả.",
            },
        )
        s.recognition = product_services.recognition_add(
            actor=officer,
            product=s.product,
            level=RecognitionLevel.PROVINCE,
            year=2024,
            decided_on=dt.date(2024, 10, 1),
        )
        s.photo = product_services.photo_add(
            actor=officer,
            product=s.product,
            upload=SimpleUploadedFile("anh.png", png_bytes(s.canary), content_type="image/png"),
            caption="Ảnh",
        )
        s.private_product = product_services.product_create(
            actor=officer,
            data={
                "name": f"Sản phẩm chưa công nhận {s.canary}",
                "group": ProductGroup.OTHER,
                "producer": s.establishment,
                "commune": None,
                "description": s.canary,
            },
        )
    w.round = product_services.round_create(
        actor=officer,
        data={
            "name": "Bình chọn cấp tỉnh 2025",
            "year": 2025,
            "level": RecognitionLevel.PROVINCE,
            "held_on": dt.date(2025, 10, 15),
        },
    )
    w.round_member = product_services.member_add(
        actor=officer, selection_round=w.round, user=u.council_member, position=MemberPosition.CHAIR
    )
    # The round's judges read its entries: the entered product carries no canary.
    w.entry_product = product_services.product_create(
        actor=officer,
        data={
            "name": "Sản phẩm dự bình chọn",
            "group": ProductGroup.OTHER,
            "producer": w.out.establishment,
            "commune": None,
            "description": "",
        },
    )
    w.entry = product_services.entry_add(
        actor=officer, selection_round=w.round, product=w.entry_product, description="Thuyết minh."
    )
    return w
