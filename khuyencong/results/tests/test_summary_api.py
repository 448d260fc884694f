"""The summary contract: the command and the API return the same JSON; bad input is a clear 400."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from khuyencong.results.tests.conftest import M

URL = "/api/v1/reports/summary"


def test_the_api_and_the_command_return_the_same_json(client, programme, officer):
    client.force_login(officer)
    response = client.get(URL, {"from_year": 2023, "to_year": 2025, "units": "current"})
    assert response.status_code == 200
    out = StringIO()
    call_command(
        "report_summary",
        "--from",
        "2023",
        "--to",
        "2025",
        "--units",
        "current",
        "--format",
        "json",
        stdout=out,
    )
    assert json.loads(out.getvalue()) == response.json()
    assert response.json()["support_vnd"] == {"central": 450 * M, "provincial": 500 * M}


def test_the_api_applies_the_callers_scope(client, programme, outsider):
    client.force_login(outsider)
    data = client.get(URL, {"from_year": 2023, "to_year": 2025}).json()
    assert data["projects"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from_year": 2013, "to_year": 2012}, "from_year"),
        ({"from_year": 1900, "to_year": 2012}, "from_year"),
        ({"from_year": 2008, "to_year": 2012, "units": "old"}, "units"),
        ({"from_year": 2008, "to_year": 2012, "province": "99"}, "province"),
        ({"to_year": 2012}, "from_year"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(client, officer, query, field):
    client.force_login(officer)
    response = client.get(URL, query)
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"] == field
    assert body["detail"]


def test_the_api_needs_a_signed_in_caller(client):
    assert client.get(URL, {"from_year": 2008, "to_year": 2012}).status_code == 401


def test_the_command_refuses_a_reversed_range(db):
    with pytest.raises(CommandError, match="from_year"):
        call_command("report_summary", "--from", "2013", "--to", "2012")
