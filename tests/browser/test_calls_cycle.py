"""The "Done when" test of issue 5: the whole cycle of a joint call in Chromium, on demo data.

The demo call being prepared (approved by CLARA only) is moved to open now; the Oncopole's
staff approve it in the browser, which publishes it. Three applications by demo people are
filled in through the services, one is submitted in the browser and two by service; once the
call is closed, staff check eligibility, bring the applications into the review exercise and
run the solver from the exercise page (a reviewer at the institution of a lead is left out);
a reviewer writes a review in the browser, the others by service; staff compute and adopt the
optimal selection, each funding pole records its decisions, the outcomes are released; the
applicant reads the outcome and the letter; staff make the awards and the applicant sends the
first report due.
"""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.support import assert_no_axe_violations, require_chromium, sign_in
from tests.calls.conftest import pdf_bytes, upload

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONFIDENTIAL = "CONFIDENTIAL-PANEL-ONLY"
FOR_APPLICANTS = "A clear plan; the partnership is well balanced."


def _give_account(person):
    from tests.factories import UserFactory

    user = UserFactory(
        email=person.email, first_name=person.given_name, last_name=person.family_name
    )
    person.user = user
    person.save(update_fields=["user"])
    return user


def _institutions(person) -> set[int]:
    return {a.institution_id for a in person.current_affiliations}


def _pick_people():
    """Three pairs of leads (CLARA, Oncopole), a CLARA reviewer at the institution of the
    first CLARA lead, and a pool of reviewers of both poles away from every lead."""
    from jumelage.directory.models import Person
    from jumelage.matching.demo import SENIOR
    from jumelage.matching.selectors import people_with_context, side_of

    people = [
        p
        for p in people_with_context(
            Person.objects.filter(user__isnull=True, career_stage__in=SENIOR)
            .exclude(email="")
            .values_list("pk", flat=True)
        )
        if p.current_affiliations
    ]
    by_side = {code: [p for p in people if side_of(p) == code] for code in ("clara", "oncopole")}
    first_lead = conflicted = None
    for person in by_side["clara"]:
        colleague = next(
            (
                q
                for q in by_side["clara"]
                if q.pk != person.pk and _institutions(q) & _institutions(person)
            ),
            None,
        )
        if colleague is not None:
            first_lead, conflicted = person, colleague
            break
    assert first_lead is not None, "no two CLARA demo people share an institution"
    others = [p for p in by_side["clara"] if p.pk not in (first_lead.pk, conflicted.pk)]
    clara_leads = [first_lead, *others[:2]]
    quebec_leads = by_side["oncopole"][:3]
    leads = clara_leads + quebec_leads
    taken = set().union(*(_institutions(p) for p in leads))
    used = {p.pk for p in leads} | {conflicted.pk}
    pool = {
        code: [
            p for p in reversed(by_side[code]) if p.pk not in used and not _institutions(p) & taken
        ][:4]
        for code in by_side
    }
    assert len(pool["clara"]) == 4 and len(pool["oncopole"]) == 4
    return list(zip(clara_leads, quebec_leads, strict=True)), conflicted, pool


def _complete_application(call, clara_lead, quebec_lead, number):
    """A complete draft: project, both leads confirmed, a budget per side, the proposal."""

    from jumelage.calls.models import Envelope, Participant
    from jumelage.calls.services import applications as services

    creator, partner = _give_account(clara_lead), _give_account(quebec_lead)
    application = services.start_application(call=call, actor=creator)
    assert application.participants.get().person_id == clara_lead.pk
    application = services.save_draft(
        application=application,
        version=application.version,
        actor=creator,
        changes={
            "title": f"Projet conjoint {number} : tumeurs pédiatriques",
            "acronym": f"PC{number}",
            "language": "fr",
            "abstract": "Deux équipes, une de chaque pôle, étudient une cohorte commune.",
            "description": "Objectifs, méthodes, calendrier et partage des données.",
            "keywords": "oncologie, cohorte",
            "duration_months": 24,
        },
    )
    affiliation = quebec_lead.current_affiliations[0]
    invited = services.invite_participant(
        application=application,
        name=quebec_lead.full_name,
        email=quebec_lead.email,
        pole=affiliation.institution.pole,
        institution=affiliation.institution,
        role=Participant.Role.LEAD,
        actor=creator,
    )
    services.respond_to_invitation(participant=invited, accept=True, user=partner)
    for envelope in Envelope.objects.filter(call=call).select_related("pole"):
        application.refresh_from_db()
        scale = 1 if envelope.pole.code == "clara" else Decimal("1.5")
        services.set_budget(
            application=application,
            pole=envelope.pole,
            version=application.version,
            actor=creator,
            lines={
                "personnel": 30000 * scale + 1000 * number,
                "consumables": 10000 * scale,
                "travel": 5000 * scale,
            },
        )
    services.add_attachment(
        application=application,
        kind="proposal",
        actor=creator,
        uploaded_file=upload(
            "proposal.pdf", pdf_bytes(1, f"Proposal {number}")
        ),
    )
    application.refresh_from_db()
    assert services.missing_items(application) == []
    return application, creator


@pytest.fixture
def demo(settings, tmp_path):
    from django.utils import timezone

    from jumelage.accounts.models import User
    from jumelage.calls.demo import PREPARING, seed_calls
    from jumelage.calls.models import Call
    from jumelage.directory.demo import seed_demo

    settings.JUMELAGE_OBSERVATORY_DB = str(tmp_path / "missing.duckdb")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    seed_demo()
    seed_calls()
    now = timezone.now()
    Call.objects.filter(title_fr=PREPARING).update(
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(hours=2),
        intent_closes_at=None,
        two_stage=False,
    )
    return {
        "call": Call.objects.get(title_fr=PREPARING),
        "staff_clara": User.objects.get(email="staff.clara@demo.jumelage.example"),
        "staff_quebec": User.objects.get(email="staff.oncopole@demo.jumelage.example"),
    }


def test_the_whole_cycle_of_a_joint_call(page, live_server, demo):
    from django.utils import timezone
    from pypdf import PdfReader

    from jumelage.calls.models import Application, Call, Report, Review
    from jumelage.calls.services import applications as application_services
    from jumelage.calls.services.review import exercise_of, save_review
    from jumelage.matching import services as matching
    from jumelage.matching.models import Assignment

    call, staff_clara, staff_quebec = demo["call"], demo["staff_clara"], demo["staff_quebec"]
    base = f"{live_server.url}/en/calls"

    # 1. The Oncopole turns the second key: the call is published.
    sign_in(page, live_server, staff_quebec)
    page.goto(f"{base}/{call.pk}/manage/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name=re.compile("Approve the call for")).click()
    expect(page.locator(".message-success")).to_contain_text(
        "Every funding pole has approved the call: it is published."
    )
    call.refresh_from_db()
    assert call.status == Call.Status.PUBLISHED

    # 2. Three complete applications; the first is submitted in the browser.
    pairs, conflicted, pool = _pick_people()
    drafts = [
        _complete_application(call, clara, quebec, number)
        for number, (clara, quebec) in enumerate(pairs, start=1)
    ]
    (first, first_user), *others = drafts
    page.context.clear_cookies()
    sign_in(page, live_server, first_user)
    page.goto(f"{base}/applications/{first.pk}/edit/review-and-submit/")
    expect(page.get_by_text("Everything the call requires is there.")).to_be_visible()
    page.get_by_role("button", name="Submit the application").click()
    expect(page.locator(".message-success")).to_contain_text(
        f"The application {first.reference} is submitted."
    )
    expect(page.locator("#receipts-title")).to_be_visible()
    expect(page.locator("[id^='receipt-'] a")).to_have_count(1)
    for application, user in others:
        application_services.submit_application(application=application, actor=user)
    applications = list(Application.objects.filter(call=call).order_by("reference"))
    assert [a.status for a in applications] == ["submitted"] * 3

    # 3. The call closes; CLARA's staff check eligibility and tell the applicants.
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    page.context.clear_cookies()
    sign_in(page, live_server, staff_clara)
    page.goto(f"{base}/{call.pk}/eligibility/")
    page.get_by_role("button", name="Check the applications").click()
    expect(page.locator(".message-success")).to_have_count(1)
    sections = page.locator("section.eligibility-application")
    expect(sections).to_have_count(3)
    for index in range(3):
        expect(sections.nth(index).locator("p").first).to_contain_text("Eligible")
    assert_no_axe_violations(page)
    page.get_by_role("button", name=re.compile("Tell the applicants of 3 applications")).click()
    expect(page.locator(".message-success")).to_have_count(1)
    assert [a.eligibility for a in Application.objects.filter(call=call)] == ["eligible"] * 3
    assert Application.objects.filter(call=call, eligibility_notified_at__isnull=True).count() == 0

    # 4. The review exercise, a pool of both poles with a conflicted reviewer, the solver.
    page.goto(f"{base}/{call.pk}/review/")
    page.get_by_role("button", name=re.compile("review exercise")).click()
    expect(page.locator(".message-success")).to_have_count(1)
    exercise = exercise_of(call)
    assert exercise.items.count() == 3
    for person in [conflicted, *pool["clara"], *pool["oncopole"]]:
        matching.add_to_pool(exercise=exercise, person=person, actor=staff_clara)
    page.goto(f"{live_server.url}/en/matching/exercises/{exercise.pk}/")
    page.locator("form[action$='/run/'] button").click()
    expect(page.locator(".message-success")).to_have_count(1)
    k = exercise.reviewers_per_item
    for item in exercise.items.all():
        assert Assignment.objects.filter(item=item).count() == k, item.reference
    first_item = exercise.items.get(object_id=first.pk)
    assert not Assignment.objects.filter(item=first_item, reviewer=conflicted).exists()
    page.goto(f"{live_server.url}/en/matching/exercises/{exercise.pk}/items/{first_item.pk}/")
    conflict_row = page.locator("tr.conflict").filter(has_text=conflicted.full_name)
    expect(conflict_row).to_have_count(1)  # detected: same institution as the CLARA lead
    expect(conflict_row).not_to_contain_text("assigned")

    # 5. One reviewer writes their review in the browser, staff enter the others.
    assignment = Assignment.objects.filter(item=first_item).order_by("pk").first()
    reviewer = assignment.reviewer
    reviewer_user = _give_account(reviewer)
    page.context.clear_cookies()
    sign_in(page, live_server, reviewer_user)
    page.goto(f"{base}/applications/{first.pk}/review/")
    for criterion in call.criteria.order_by("position"):
        page.get_by_label(re.compile(f"^{re.escape(criterion.name_en)}")).select_option("5")
    page.get_by_label("Comments for the applicants").fill(FOR_APPLICANTS)
    page.get_by_label("Confidential comments for the panel").fill(CONFIDENTIAL)
    page.get_by_role("button", name="Submit the review").click()
    expect(page.locator(".message-success")).to_contain_text(
        f"Your review of {first.reference} is submitted."
    )
    assert Review.objects.get(application=first, reviewer=reviewer).status == "submitted"
    criteria = list(call.criteria.all())
    accounts = {reviewer.pk: reviewer_user}
    for pair in (
        Assignment.objects.filter(item__exercise=exercise)
        .exclude(reviewer=reviewer, item=first_item)
        .select_related("item", "reviewer")
    ):
        if pair.reviewer_id not in accounts:
            accounts[pair.reviewer_id] = _give_account(pair.reviewer)
        user = accounts[pair.reviewer_id]
        application = Application.objects.get(pk=pair.item.object_id)
        save_review(
            application=application,
            reviewer_person=user.person,
            scores={c.pk: 4 for c in criteria},
            comments_for_applicants="Sound.",
            confidential_comments=f"{CONFIDENTIAL} {pair.reviewer.full_name}",
            submit=True,
            actor=user,
        )
    assert Review.objects.filter(application__call=call, status="submitted").count() == 3 * k

    # 6. Ranking, the optimal selection adopted, both poles decide, release.
    page.context.clear_cookies()
    sign_in(page, live_server, staff_clara)
    page.goto(f"{base}/{call.pk}/ranking/")
    assert_no_axe_violations(page)
    page.locator("input[name='method'][value='optimal']").check()
    page.get_by_role("button", name="Compute the scenario").click()
    expect(page.locator(".message-success")).to_contain_text("Scenario computed: 3 projects")
    page.get_by_role("button", name="Adopt as the recommendation").first.click()
    expect(page.locator(".message-success")).to_contain_text(
        "The scenario is now the recommendation of the panel."
    )
    for staff in (staff_clara, staff_quebec):
        page.context.clear_cookies()
        sign_in(page, live_server, staff)
        page.goto(f"{base}/{call.pk}/decisions/")
        for application in applications:
            page.locator(f"input[name='app-{application.pk}-outcome'][value='fund']").check()
            page.get_by_role(
                "button", name=f"Record the decision on {application.reference}"
            ).click()
            expect(page.locator(".message-success")).to_contain_text(
                f"decision on {application.reference} is recorded"
            )
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Release the outcomes to the applicants").click()
    expect(page.locator(".message-success")).to_contain_text("3 outcomes released")
    assert [a.outcome for a in Application.objects.filter(call=call)] == ["funded"] * 3

    # 7. The applicant reads the outcome and the letter; no reviewer name, nothing confidential.
    page.context.clear_cookies()
    sign_in(page, live_server, first_user)
    page.goto(f"{base}/applications/{first.pk}/outcome/")
    expect(page.locator("h1")).to_have_text(f"Outcome of {first.reference}")
    expect(page.locator("main")).to_contain_text(FOR_APPLICANTS)
    text = page.locator("body").inner_text()
    assert CONFIDENTIAL not in text
    for person in Review.objects.filter(application=first).values_list(
        "reviewer__given_name", "reviewer__family_name"
    ):
        assert " ".join(person) not in text
    assert_no_axe_violations(page)
    response = page.request.get(f"{base}/applications/{first.pk}/letter.pdf")
    assert response.status == 200
    assert response.body().startswith(b"%PDF")
    letter = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert first.reference in letter
    assert CONFIDENTIAL not in letter

    # 8. Staff make the awards of the first project; its applicant sends the first report due.
    page.context.clear_cookies()
    sign_in(page, live_server, staff_clara)
    page.goto(f"{base}/{call.pk}/follow-up/")
    page.locator(f"#id_award-{first.pk}-starts_on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name=f"Make the awards of {first.reference}").click()
    expect(page.locator(".message-success")).to_have_count(1)
    assert first.awards.count() == 2
    report = Report.objects.filter(application=first).order_by("due_on", "pk").first()
    page.context.clear_cookies()
    sign_in(page, live_server, first_user)
    page.goto(f"{base}/reports/{report.pk}/")
    page.get_by_label("Narrative").fill("First year: both teams recruited, samples shared.")
    page.get_by_label("Students trained").fill("2")
    page.get_by_label("Mobilities between the poles").fill("1")
    page.get_by_role("button", name="Submit the report").click()
    expect(page.locator(".message-success")).to_contain_text("Your report was submitted.")
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
