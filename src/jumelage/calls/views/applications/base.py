"""What the application pages share: fetching the application, the steps with what each lacks,
the deadline in three time zones, a service's refusal on the page and private PDF responses."""

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone

from jumelage.calls.forms.applications import ProjectForm
from jumelage.calls.models import Application
from jumelage.calls.services import applications as services
from jumelage.calls.services.applications import STEP_NAMES, STEPS
from jumelage.calls.views import common
from jumelage.calls.zones import MONTREAL, PARIS
from jumelage.core.formatting import format_datetime

DRAFT_LABELS = {name: ProjectForm.base_fields[name].label for name in services.DRAFT_FIELDS}


def application_for(request, pk: int, perm: str = "calls.view_application") -> Application:
    """The application `pk` (with its call and creator) if the user has `perm`; 403 if not."""
    return common.application_for(
        request, pk, perm, queryset=Application.objects.select_related("call", "created_by")
    )


def refuse(context: dict, form, error: ValidationError, status: int = 400) -> None:
    """A service's refusal: field errors on the form's fields, other messages above the step."""
    if hasattr(error, "error_dict"):
        common.show_errors(form, error)
    else:
        context["errors"] = list(error.messages)
    context["status"] = status


def steps_of(application: Application, current: str | None) -> list[dict]:
    missing = services.missing_items(application)
    by_step: dict[str, list] = {}
    for item in missing:
        by_step.setdefault(item.step, []).append(item)
    rows = []
    for slug in STEPS:
        lacking = missing if slug == "review-and-submit" else by_step.get(slug, [])
        rows.append(
            {
                "slug": slug,
                "name": STEP_NAMES[slug],
                "current": slug == current,
                "missing": lacking,
                "complete": not lacking,
                "url": reverse("calls:application_step", args=[application.pk, slug]),
            }
        )
    return rows


def deadline_context(application: Application) -> dict:
    deadline = services.deadline_of(application)
    return {
        "deadline": deadline,
        "closed": timezone.now() >= deadline,
        "deadline_utc": format_datetime(deadline, time_zone="UTC"),
        "deadline_paris": format_datetime(deadline, time_zone=PARIS),
        "deadline_montreal": format_datetime(deadline, time_zone=MONTREAL),
    }


def private_pdf(handle, filename: str) -> FileResponse:
    """A private PDF as a download that browsers neither sniff nor cache."""
    return common.private(FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    ))


def with_version(form, version: int):
    data = form.data.copy()
    data[form.add_prefix("version")] = str(version)
    form.data = data
    return form


def next_step(application, step: str) -> str:
    following = STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)]
    return reverse("calls:application_step", args=[application.pk, following])
