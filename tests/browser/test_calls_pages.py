"""Every page of the joint calls in Chromium, on the demo data, in French and in English, as
the visitor it is meant for: the site's stylesheet is applied and axe-core finds no WCAG A/AA
violation, on the page as it opens and, for a page with a form, once the form shows an error.

The demo data take seconds to load, so each test is one kind of visitor going through all of
their pages in both languages; the violations of every page are gathered and reported together.
"""

import time

import pytest

from tests.browser.support import (
    assert_site_stylesheet_applied,
    axe_violations,
    format_violations,
    require_chromium,
    sign_in,
)

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ("fr", "en")
ERRORS = ".errorlist, [aria-invalid='true']"


class Audit:
    """Opens pages in one browser tab and gathers the axe violations found on each."""

    def __init__(self, page, live_server):
        self.page, self.live_server = page, live_server
        self.failures: list[str] = []
        self.checked: list[str] = []

    def sign_in(self, user) -> None:
        self.page.context.clear_cookies()
        if user is not None:
            sign_in(self.page, self.live_server, user)

    def _audit(self, label: str) -> None:
        assert_site_stylesheet_applied(self.page)
        violations = axe_violations(self.page)
        self.checked.append(label)
        if violations:
            self.failures.append(format_violations(label, violations))

    def open(self, lang: str, path: str) -> None:
        url = f"{self.live_server.url}/{lang}/calls/{path}"
        response = self.page.goto(url)
        if response is None or response.status != 200 or self.page.url != url:
            status = response and response.status
            self.failures.append(f"{url}: HTTP {status}, at {self.page.url}")
            return
        self._audit(url)

    def error(self, button: str, prepare: str = "") -> None:
        """Submit the form of `button` (a CSS selector) on the page open now, browser checks
        off, after running the JavaScript `prepare` (with `form` in scope); audit the answer,
        which must show an error."""
        url = self.page.url
        with self.page.expect_navigation():
            self.page.evaluate(
                "([selector, prepare]) => {"
                " const button = document.querySelector(selector);"
                " const form = button.form; form.noValidate = true;"
                " new Function('form', prepare)(form);"
                " form.requestSubmit(button); }",
                [button, prepare],
            )
        if self.page.locator(ERRORS).count() == 0:
            self.failures.append(f"no form error shown after submitting the form of {url}")
        self._audit(f"{url} (form error, answer at {self.page.url})")

    def finish(self) -> None:
        print(f"{len(self.checked)} pages audited:", *self.checked, sep="\n  ")
        if self.failures:
            report = "\n".join(self.failures)
            print(report)
            pytest.fail(report, pytrace=False)


@pytest.fixture
def audit(page, live_server):
    return Audit(page, live_server)


@pytest.fixture
def demo(settings, tmp_path):
    from jumelage.calls.demo import DECIDED, IN_REVIEW, OPEN, PREPARING, seed_calls
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
    started = time.monotonic()
    seed_demo()
    seed_calls()
    print(f"demo data loaded in {time.monotonic() - started:.1f} s")
    return {
        name: Call.objects.get(title_fr=title)
        for name, title in (
            ("preparing", PREPARING),
            ("open", OPEN),
            ("in_review", IN_REVIEW),
            ("decided", DECIDED),
        )
    }


def _staff(email: str):
    from allauth.mfa.models import Authenticator

    from jumelage.accounts.models import User

    user = User.objects.get(email=email)
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "unused"}}
    )
    return user


def _account_of(person):
    from tests.factories import UserFactory

    if person.user_id:
        return person.user
    user = UserFactory(
        email=person.email or f"person-{person.pk}@example.org",
        first_name=person.given_name,
        last_name=person.family_name,
    )
    person.user = user
    person.save(update_fields=["user"])
    return user


def test_anonymous_visitor_pages(audit, demo):
    for lang in LANGUAGES:
        audit.open(lang, "")
        for call in (demo["open"], demo["in_review"], demo["decided"]):
            audit.open(lang, f"{call.pk}/")
    audit.finish()


def test_staff_pages(audit, demo):
    from django.utils import timezone

    from jumelage.calls.models import Application, Award, Report

    in_review, decided, preparing = demo["in_review"], demo["decided"], demo["preparing"]
    first = Application.objects.filter(call=in_review).order_by("reference").first()
    funded = (
        Application.objects.filter(call=decided, outcome=Application.Outcome.FUNDED)
        .order_by("reference")
        .first()
    )
    submitted = Report.objects.filter(application=funded, status=Report.Status.SUBMITTED).first()
    # A funded project whose awards are not made yet, so that the board shows its form.
    unawarded = (
        Application.objects.filter(call=decided, outcome=Application.Outcome.FUNDED)
        .exclude(pk=funded.pk)
        .order_by("reference")
        .first()
    )
    Report.objects.filter(application=unawarded).delete()
    Award.objects.filter(application=unawarded).delete()
    # A letter of intent waiting for an answer in the two-stage call being prepared.
    Application.objects.create(
        call=preparing,
        reference="JC28-001",
        title="Lettre d’intention : cohortes pédiatriques",
        stage=Application.Stage.INTENT,
        status=Application.Status.SUBMITTED,
        submitted_at=timezone.now(),
        created_by=first.created_by,
    )
    audit.sign_in(_staff("staff.clara@demo.jumelage.example"))
    for lang in LANGUAGES:
        audit.open(lang, "")
        audit.open(lang, f"{preparing.pk}/")
        audit.open(lang, "new/")
        audit.error("main form[method='post'] button[type='submit']")
        audit.open(lang, f"{preparing.pk}/edit/")
        audit.error(
            "main form[method='post'] button[type='submit']",
            "form.querySelector('[name=title_fr]').value = '';",
        )
        audit.open(lang, f"{preparing.pk}/manage/")
        audit.open(lang, f"{preparing.pk}/intents/")
        audit.error("form:has([name='applications']) button[type='submit']")
        # Not open yet: starting an application is refused.
        audit.open(lang, f"{preparing.pk}/apply/")
        audit.error("main form[method='post'] button[type='submit']")
        audit.open(lang, f"{decided.pk}/manage/")
        audit.open(lang, f"{in_review.pk}/eligibility/")
        audit.error(
            f"form[action$='/applications/{first.pk}/eligibility/'] button[type='submit']",
            "form.querySelectorAll('textarea, input[type=text]').forEach(f => f.value = '');",
        )
        audit.open(lang, f"{in_review.pk}/review/")
        audit.open(lang, f"{in_review.pk}/ranking/")
        audit.error(
            "input[name='method'] ~ button, form:has(input[name='method']) button",
            "form.querySelectorAll('input[name=method]').forEach(r => r.checked = false);",
        )
        audit.open(lang, f"applications/{first.pk}/")
        audit.open(lang, f"applications/{first.pk}/amend/")
        audit.error(
            "main form[method='post'] button[type='submit']",
            "form.querySelector('[name=justification]').value = '';",
        )
        audit.open(lang, f"applications/{first.pk}/panel/")
        audit.error(
            "form:has([name='text']) button",
            "form.querySelector('[name=text]').value = '';",
        )
        audit.open(lang, f"{in_review.pk}/decisions/")
        audit.error(
            f"form:has(input[name='app-{first.pk}-outcome']) button",
            "form.querySelectorAll('input[type=radio]').forEach(r => r.checked = false);",
        )
        audit.open(lang, f"{decided.pk}/ranking/")  # with the adopted scenario
        audit.open(lang, f"{decided.pk}/decisions/")
        audit.open(lang, f"applications/{funded.pk}/outcome/")
        audit.open(lang, f"{decided.pk}/follow-up/")
        audit.error(
            f"form:has([name='award-{unawarded.pk}-starts_on']) button[type='submit']",
            f"form.querySelector('[name=award-{unawarded.pk}-starts_on]').value = 'someday';",
        )
        audit.open(lang, f"applications/{funded.pk}/award/")
        audit.error(
            "form:has([name$='paid_on']) button",
            "form.querySelector('[name$=paid_on]').value = 'someday';",
        )
        audit.open(lang, f"reports/{submitted.pk}/")
        audit.open(lang, f"{decided.pk}/exports/")
    audit.finish()


def test_applicant_pages_of_an_open_call(audit, demo):
    from jumelage.calls.models import Participant
    from jumelage.calls.services import applications as services
    from jumelage.directory.models import Institution
    from tests.factories import UserFactory

    call = demo["open"]
    applicant = UserFactory(
        email="camille.martin@example.org", first_name="Camille", last_name="Martin"
    )
    invitee = UserFactory(email="jeanne.roy@example.org", first_name="Jeanne", last_name="Roy")
    application = services.start_application(call=call, actor=applicant)
    application = services.save_draft(
        application=application,
        version=application.version,
        actor=applicant,
        changes={"title": "Projet conjoint : tumeurs pédiatriques", "duration_months": 24},
    )
    institution = Institution.objects.filter(pole__code="oncopole").order_by("pk").first()
    invited = services.invite_participant(
        application=application,
        name="Jeanne Roy",
        email=invitee.email,
        pole=institution.pole,
        institution=institution,
        role=Participant.Role.LEAD,
        actor=applicant,
    )
    # One invitation per language to another address of Jeanne's, answered (declined from
    # another tab) while the page is open.
    from allauth.account.models import EmailAddress

    for lang in LANGUAGES:
        EmailAddress.objects.create(user=invitee, email=f"louis.girard.{lang}@example.org",
                                    primary=False, verified=True)
    raced = {
        lang: services.invite_participant(
            application=application,
            name=f"Louis Girard ({lang})",
            email=f"louis.girard.{lang}@example.org",
            pole=institution.pole,
            institution=None,
            role=Participant.Role.COLLABORATOR,
            actor=applicant,
        )
        for lang in LANGUAGES
    }
    base = f"applications/{application.pk}"
    for lang in LANGUAGES:
        audit.sign_in(applicant)
        audit.open(lang, "mine/")
        audit.open(lang, f"{call.pk}/apply/")
        audit.open(lang, f"{base}/")
        audit.open(lang, f"{base}/edit/project/")
        audit.error(
            "main form[method='post'] button[type='submit']",
            "form.querySelector('[name=duration_months]').value = '0';",
        )
        audit.open(lang, f"{base}/edit/consortium/")
        audit.error("form:has([name='email']) button[type='submit']:not([name='remove'])")
        audit.open(lang, f"{base}/edit/budget/")
        audit.error(
            "main form[method='post'] button[type='submit']",
            "form.querySelector('input[type=text]:not([type=hidden])').value = 'beaucoup';",
        )
        audit.open(lang, f"{base}/edit/documents/")
        audit.error("form:has([name='file']) button[type='submit']:not([name='remove'])")
        audit.open(lang, f"{base}/edit/review-and-submit/")
        audit.error(f"form[action$='/applications/{application.pk}/submit/'] button")
        audit.open(lang, f"{base}/withdraw/")
        audit.sign_in(invitee)
        audit.open(lang, "mine/")
        audit.open(lang, f"invitations/{invited.token}/")
        audit.open(lang, f"invitations/{raced[lang].token}/")
        services.respond_to_invitation(participant=raced[lang], accept=False, user=invitee)
        audit.error("button[value='accept']")  # already answered
    audit.finish()


def test_reviewer_pages(audit, demo):
    from jumelage.calls.models import Application, Review
    from jumelage.calls.services.review import exercise_of
    from jumelage.matching.models import Assignment

    exercise = exercise_of(demo["in_review"])
    submitted = set(
        Review.objects.filter(status=Review.Status.SUBMITTED).values_list(
            "application_id", "reviewer_id"
        )
    )
    assignment = next(
        a
        for a in Assignment.objects.filter(item__exercise=exercise)
        .select_related("item", "reviewer")
        .order_by("item__reference", "pk")
        if (a.item.object_id, a.reviewer_id) not in submitted
    )
    application = Application.objects.get(pk=assignment.item.object_id)
    reviewer = _account_of(assignment.reviewer)
    audit.sign_in(reviewer)
    for lang in LANGUAGES:
        audit.open(lang, "reviews/")
        audit.open(lang, f"applications/{application.pk}/review/")
        audit.error(
            "button[name='submit']",
            "form.querySelectorAll('select').forEach(s => s.value = '');",
        )
        audit.open(lang, f"applications/{application.pk}/conflict/")
        audit.error(
            "form:has([name='reason']) button[type='submit']",
            "form.querySelector('[name=reason]').value = '';",
        )
    audit.finish()


def test_applicant_pages_of_a_decided_call(audit, demo):
    from jumelage.calls.models import Application, Report

    funded = (
        Application.objects.filter(call=demo["decided"], outcome=Application.Outcome.FUNDED)
        .select_related("created_by")
        .order_by("reference")
        .first()
    )
    declined = (
        Application.objects.filter(call=demo["decided"], outcome=Application.Outcome.NOT_FUNDED)
        .order_by("reference")
        .first()
    )
    due = Report.objects.filter(application=funded, status=Report.Status.DUE).first()
    assert funded.outcome_released_at is not None
    audit.sign_in(funded.created_by)
    for lang in LANGUAGES:
        audit.open(lang, "mine/")
        audit.open(lang, f"applications/{funded.pk}/")
        audit.open(lang, f"applications/{funded.pk}/outcome/")
        if declined is not None and declined.created_by_id == funded.created_by_id:
            audit.open(lang, f"applications/{declined.pk}/outcome/")
        audit.open(lang, f"applications/{funded.pk}/award/")
        audit.open(lang, f"reports/{due.pk}/")
        audit.error(
            "form:has([name='narrative']) button[type='submit']",
            "form.querySelector('[name=narrative]').value = '';",
        )
    audit.finish()


def test_the_audit_would_see_a_violation(page, live_server):
    """Guard against an audit that silently checks nothing: an image without a text
    alternative added to the call list is reported."""
    page.goto(f"{live_server.url}/en/calls/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')"
    )
    assert "image-alt" in [violation["id"] for violation in axe_violations(page)]
