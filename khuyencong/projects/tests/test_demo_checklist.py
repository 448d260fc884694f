"""The demo's acceptances go through the same service as the council's form, checklist included."""

import importlib
import io

from django.apps import apps
from django.core.management import call_command

from khuyencong.accounts.models import User
from khuyencong.appraisal.demo import CHAIR
from khuyencong.projects import services
from khuyencong.projects.choices import ContentCategory, Status
from khuyencong.projects.demo import LEADER, OFFICER, article_projects, build_project
from khuyencong.projects.models import AcceptanceChecklistItem, ChecklistAnswer


def test_a_demo_project_taken_to_acceptance_answers_its_categorys_checklist(db):
    call_command("load_geography", province="20", stdout=io.StringIO())
    User.objects.create_user(username=OFFICER, role="officer")
    User.objects.create_user(username=LEADER, role="leader")
    User.objects.create_user(username=CHAIR, role="council_member")  # the demo council's chair
    if not AcceptanceChecklistItem.objects.exists():  # emptied by an earlier test's flush
        importlib.import_module("khuyencong.projects.migrations.0008_default_acceptance_checklist").ship(
            apps, None
        )
    spec = next(s for s in article_projects() if s.category == ContentCategory.MACHINERY_APPLICATION)

    project = build_project(spec)

    assert project.status == Status.CLOSED
    asked = {item.pk for item in services.checklist_items(project)}
    answers = {row.item_id: row.answer for row in project.acceptance.checklist.all()}
    assert asked and answers == dict.fromkeys(asked, ChecklistAnswer.MET)
