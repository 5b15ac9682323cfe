"""A small joint-call world shared by the tests of jumelage.calls.

Two poles (CLARA in EUR, Oncopole in CAD), real-looking institutions with one hierarchy (a
hospital under its university), a published call open now with an envelope per pole and three
criteria, and the people every permission test needs: staff of each pole, the site admin, an
applicant (lead on the CLARA side), a co-applicant (lead on the Oncopole side), another
applicant, a reviewer and a reviewer who works at the applicant's institution.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from jumelage.calls.models import Call, Criterion, Envelope
from tests.factories import (
    AffiliationFactory,
    InstitutionFactory,
    PersonFactory,
    PoleFactory,
    TeamFactory,
    ThemeFactory,
    UserFactory,
    oncopole,
)

# The call is open from 1 January to 31 March 2027 (UTC): tests move the clock inside it.
OPENS = dt.datetime(2027, 1, 1, 9, 0, tzinfo=dt.UTC)
CLOSES = dt.datetime(2027, 3, 31, 21, 59, tzinfo=dt.UTC)
DURING = dt.datetime(2027, 2, 15, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    """Applicants' files go to a fresh directory per test (a real one on disk)."""
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private")}}}


def person_with_account(*, given: str, family: str, institution, team=None,
                        career_stage: str = "established", role: str = "researcher"):
    user = UserFactory(first_name=given, last_name=family, role=role,
                       email=f"{given}.{family}@example.org".lower())
    person = PersonFactory(given_name=given, family_name=family, user=user,
                           email=user.email, career_stage=career_stage)
    AffiliationFactory(person=person, institution=institution, team=team)
    return user, person


@pytest.fixture
def world(db):
    clara, quebec = PoleFactory(), oncopole()
    genomics = ThemeFactory(code="genomics", name_fr="Génomique et médecine de précision",
                            name_en="Genomics and precision medicine")
    lyon1 = InstitutionFactory(name_fr="Université Claude Bernard Lyon 1",
                               name_en="Claude Bernard University Lyon 1", pole=clara)
    hcl = InstitutionFactory(name_fr="Hospices Civils de Lyon", name_en="Hospices Civils de Lyon",
                             type="hospital", pole=clara)
    hcl.parents.add(lyon1)
    udem = InstitutionFactory(name_fr="Université de Montréal", name_en="Université de Montréal",
                              city="Montréal", country="CA", pole=quebec)
    mcgill = InstitutionFactory(name_fr="Université McGill", name_en="McGill University",
                                city="Montréal", country="CA", pole=quebec)
    karolinska = InstitutionFactory(name_fr="Institut Karolinska",
                                    name_en="Karolinska Institutet", city="Stockholm",
                                    country="SE", pole=None)
    lyon_team = TeamFactory(name_fr="Équipe génomique Lyon", name_en="Lyon genomics team",
                            institution=lyon1)
    mtl_team = TeamFactory(name_fr="Équipe immunothérapie Montréal",
                           name_en="Montréal immunotherapy team", institution=udem)

    call = Call.objects.create(
        title_fr="Appel conjoint CLARA–Oncopole 2027", title_en="CLARA–Oncopole joint call 2027",
        summary_fr="Projets conjoints en oncologie.", summary_en="Joint projects in oncology.",
        opens_at=OPENS, closes_at=CLOSES, status=Call.Status.PUBLISHED, published_at=OPENS,
        reviewers_per_application=2, max_reviewer_load=4)
    call.themes.add(genomics)
    Envelope.objects.create(call=call, pole=clara, amount=Decimal("300000"),
                            max_request=Decimal("50000"), exchange_rate=Decimal("1"))
    Envelope.objects.create(call=call, pole=quebec, amount=Decimal("450000"),
                            max_request=Decimal("75000"), exchange_rate=Decimal("0.68"))
    criteria = [
        Criterion.objects.create(call=call, name_fr="Excellence scientifique",
                                 name_en="Scientific excellence", weight=Decimal("2"),
                                 position=1),
        Criterion.objects.create(call=call, name_fr="Faisabilité", name_en="Feasibility",
                                 weight=Decimal("1"), position=2),
        Criterion.objects.create(call=call, name_fr="Valeur du partenariat",
                                 name_en="Value of the partnership", weight=Decimal("1"),
                                 position=3),
    ]

    applicant, applicant_person = person_with_account(
        given="Élise", family="Garnier", institution=lyon1, team=lyon_team)
    coapplicant, coapplicant_person = person_with_account(
        given="Mathieu", family="Tremblay", institution=udem, team=mtl_team)
    other_applicant, other_person = person_with_account(
        given="Nadia", family="Roy", institution=mcgill)
    reviewer, reviewer_person = person_with_account(
        given="Hugo", family="Lefebvre", institution=karolinska)
    conflicted, conflicted_person = person_with_account(
        given="Chloé", family="Bertrand", institution=hcl)
    return SimpleNamespace(
        clara=clara, quebec=quebec, genomics=genomics, lyon1=lyon1, hcl=hcl, udem=udem,
        mcgill=mcgill, karolinska=karolinska, lyon_team=lyon_team, mtl_team=mtl_team,
        call=call, criteria=criteria,
        staff_clara=UserFactory(role="pole_staff", pole=clara, email="staff@clara.example.org"),
        staff_quebec=UserFactory(role="pole_staff", pole=quebec,
                                 email="staff@oncopole.example.org"),
        admin=UserFactory(role="site_admin", email="admin@example.org"),
        applicant=applicant, applicant_person=applicant_person,
        coapplicant=coapplicant, coapplicant_person=coapplicant_person,
        other_applicant=other_applicant, other_person=other_person,
        reviewer=reviewer, reviewer_person=reviewer_person,
        conflicted=conflicted, conflicted_person=conflicted_person,
    )


def signed_in(client, user):
    """Log the client in as `user`; staff and the site admin get the TOTP authenticator the
    staff MFA middleware requires."""
    from allauth.mfa.models import Authenticator

    if user.role in ("pole_staff", "site_admin"):
        Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP,
                                            defaults={"data": {"secret": "x"}})
    client.force_login(user)
    return client


# The nine kinds of visitor every permission test of this app runs through.
ACTORS = ("anonymous", "applicant", "coapplicant", "other_applicant", "reviewer",
          "conflicted", "staff_clara", "staff_quebec", "admin")


def actor_user(world, name: str):
    return None if name == "anonymous" else getattr(world, name)


def client_as(client, world, name: str):
    """The test client as one of the ACTORS: signed in, or left anonymous."""
    user = actor_user(world, name)
    return signed_in(client, user) if user is not None else client


def assert_refused(response, name: str, secrets=()):
    """A visitor without the right: the anonymous one is sent to the English login page, a
    signed-in one gets a 403; none of the `secrets` reaches either."""
    if name == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/en/accounts/login/")
    else:
        assert response.status_code == 403
    body = response.content.decode()
    assert [secret for secret in secrets if secret in body] == []


def pdf_bytes(pages: int = 1, text: str = "") -> bytes:
    """A real PDF of blank A4 pages, with `text` as its title when given."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if text:
        writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def add_pdf(application, *, actor, kind: str = "cv", name: str = "cv.pdf",
            data: bytes | None = None):
    """Attach a file through the service (a one-page PDF unless `data` is given); the caller
    sets the clock."""
    from jumelage.calls.services import applications as services

    return services.add_attachment(
        application=application, kind=kind, actor=actor,
        uploaded_file=upload(name, pdf_bytes() if data is None else data))


def invite_coapplicant(world, application, *, email=None, role="lead"):
    """Élise Garnier invites Mathieu Tremblay as the Oncopole side's lead (by his account's
    address unless `email` is given); the caller sets the clock."""
    from jumelage.calls.services import applications as services

    return services.invite_participant(
        application=application, name="Mathieu Tremblay",
        email=world.coapplicant.email if email is None else email, pole=world.quebec,
        institution=world.udem, role=role, actor=world.applicant)


def add_confirmed_leads(world, application):
    """Élise Garnier (CLARA) and Mathieu Tremblay (Oncopole) as confirmed leads, with their
    teams."""
    from jumelage.calls.models import Participant

    for person, user, pole, institution, team in (
        (world.applicant_person, world.applicant, world.clara, world.lyon1, world.lyon_team),
        (world.coapplicant_person, world.coapplicant, world.quebec, world.udem, world.mtl_team),
    ):
        Participant.objects.create(application=application, person=person,
                                   name=person.full_name, email=user.email, pole=pole,
                                   institution=institution, team=team,
                                   role=Participant.Role.LEAD,
                                   status=Participant.Status.CONFIRMED)


@pytest.fixture
def submitted(world):
    """A submitted, eligible application of the world's call with the data that could leak:
    two confirmed leads (Élise Garnier for CLARA, Mathieu Tremblay for the Oncopole), a budget
    per side, the call's review exercise with Hugo Lefebvre assigned (and his review submitted,
    confidential comment included) and Chloé Bertrand having declared a conflict of interest.
    Nadia Roy holds a draft application of her own."""
    from django.contrib.contenttypes.models import ContentType

    from jumelage.calls.models import (
        Application,
        BudgetLine,
        Review,
        ReviewScore,
    )
    from jumelage.matching.models import (
        Assignment,
        DeclaredConflict,
        PoolMember,
        ReviewExercise,
        ReviewItem,
    )

    call = world.call
    app = Application.objects.create(
        call=call, reference="JC27-001", title="Biopsies liquides et immunothérapie",
        acronym="BLIM", language="fr", abstract="Un résumé confidentiel du projet BLIM.",
        description="Description détaillée.", keywords=["biopsie liquide", "immunothérapie"],
        duration_months=24, created_by=world.applicant, status=Application.Status.SUBMITTED,
        submitted_at=dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC),
        eligibility=Application.Eligibility.ELIGIBLE)
    app.themes.add(world.genomics)
    add_confirmed_leads(world, app)
    BudgetLine.objects.create(application=app, pole=world.clara, category="personnel",
                              amount=Decimal("30000"))
    BudgetLine.objects.create(application=app, pole=world.clara, category="consumables",
                              amount=Decimal("12000"))
    BudgetLine.objects.create(application=app, pole=world.quebec, category="personnel",
                              amount=Decimal("50000"))
    BudgetLine.objects.create(application=app, pole=world.quebec, category="travel",
                              amount=Decimal("8000"))
    other = Application.objects.create(
        call=call, reference="JC27-002", title="Projet de Nadia Roy", abstract="Brouillon.",
        created_by=world.other_applicant)

    exercise = ReviewExercise.objects.create(
        kind=ReviewExercise.Kind.CALL, title=call.title_en, owner=call,
        reviewers_per_item=call.reviewers_per_application, max_load=call.max_reviewer_load)
    item = ReviewItem.objects.create(exercise=exercise, reference=app.reference,
                                     title=app.title, text=app.abstract, source=app)
    item.people.add(world.applicant_person, world.coapplicant_person)
    for person in (world.reviewer_person, world.conflicted_person):
        PoolMember.objects.create(exercise=exercise, person=person)
    Assignment.objects.create(item=item, reviewer=world.reviewer_person, origin="manual")
    DeclaredConflict.objects.create(item=item, person=world.conflicted_person,
                                    reason="Je travaille avec l’équipe lyonnaise.",
                                    declared_by=world.conflicted)
    review = Review.objects.create(
        application=app, reviewer=world.reviewer_person, status=Review.Status.SUBMITTED,
        comments_for_applicants="Solid design; widen the cohort.",
        confidential_comments="CONFIDENTIAL: the Lyon side looks overstretched.",
        submitted_at=dt.datetime(2027, 4, 10, 8, 0, tzinfo=dt.UTC))
    for criterion, score in zip(world.criteria, (5, 4, 3), strict=True):
        ReviewScore.objects.create(review=review, criterion=criterion, score=score)
    assert ContentType.objects.get_for_model(app).model == "application"
    return SimpleNamespace(application=app, other=other, exercise=exercise, item=item,
                           review=review)


@pytest.fixture(autouse=True)
def _no_observatory(settings, tmp_path):
    settings.JUMELAGE_OBSERVATORY_DB = str(tmp_path / "absent.duckdb")
