"""The affiliation review queue: strings the matcher left unresolved, for staff to attribute.

Every page works without JavaScript: each string has a form to confirm one of the matcher's
candidates or mark it as naming no institution of the registry, and a search form that leads
to the correction page, where the directory's institutions found are offered too.
"""

import re

from babel import Locale
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from jumelage.core.formatting import babel_locale
from jumelage.directory.models import Institution
from jumelage.observatory import review_selectors as selectors
from jumelage.observatory import services
from jumelage.observatory.engine.matching import REASONS
from jumelage.observatory.models import AffiliationCorrection

PERM = "observatory.review_affiliations"
PAGE_SIZE = 20
CORRECTIONS_PAGE_SIZE = 50
NO_INSTITUTION = "none"
_COUNTRY_RE = re.compile(r"^[A-Za-z]{2}$")


def staff_only(view):
    return login_required(permission_required(PERM, raise_exception=True)(view))


# --- forms ----------------------------------------------------------------------------------

class QueueFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Words in the affiliation"), required=False,
                        max_length=200, widget=forms.TextInput(attrs={"type": "search"}))
    country = forms.CharField(label=gettext_lazy("Country code"), required=False,
                              help_text=gettext_lazy("Such as FR or CA."),
                              widget=forms.TextInput(attrs={"size": 3}))

    def clean_country(self) -> str:
        value = self.cleaned_data["country"].strip()
        if value and not _COUNTRY_RE.match(value):
            raise ValidationError(_("“%(value)s” is not a country code: type two letters, "
                                    "such as FR or CA.") % {"value": value[:20]})
        return value.upper()


class CorrectionForm(forms.Form):
    raw = forms.CharField(label=gettext_lazy("Affiliation"), strip=False,
                          widget=forms.HiddenInput, error_messages={"required": gettext_lazy(
                              "The affiliation string is missing: go back to the review "
                              "queue and choose a string.")})
    institution = forms.CharField(label=gettext_lazy("Institution"), required=False,
                                  max_length=20)
    search = forms.CharField(label=gettext_lazy("Another institution: name or ROR id"),
                             required=False, max_length=200)
    note = forms.CharField(label=gettext_lazy("Note (optional)"), required=False,
                           max_length=1000)

    def clean_institution(self) -> Institution | None:
        value = self.cleaned_data["institution"].strip()
        if value == NO_INSTITUTION:
            return None
        if not value:
            raise ValidationError(_("Choose the institution this affiliation names, or “No "
                                    "institution of the registry”; to find another one, "
                                    "search the directory by name or ROR id."))
        institution = (Institution.objects.filter(pk=int(value)).first()
                       if value.isdigit() else None)
        if institution is None:
            raise ValidationError(_("No institution of the directory has the number "
                                    "“%(value)s”: choose one of the institutions listed, or "
                                    "search the directory by name or ROR id.")
                                  % {"value": value})
        return institution


# --- pages ----------------------------------------------------------------------------------

@staff_only
def queue(request):
    form = QueueFilterForm(request.GET or None)
    params = {}
    if form.is_bound:
        form.is_valid()  # a bad country code drops that filter only; the words still apply
        params = form.cleaned_data
    problem = ""
    try:
        entries = selectors.review_queue(query=params.get("q", ""),
                                         country=params.get("country", ""))
    except selectors.StoreUnavailable as exc:
        entries, problem = [], exc.message
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    matcher = selectors.review_matcher() if page.object_list else None
    answers = selectors.reviews(raws=[e.raw for e in page.object_list], matcher=matcher)
    base_query = request.GET.copy()
    base_query.pop("page", None)
    return render(request, "observatory/review/queue.html", {
        "form": form, "page": page, "problem": problem, "base_query": base_query.urlencode(),
        "items": [_item(entry, answers[entry.raw], number)
                  for number, entry in enumerate(page.object_list, start=page.start_index())],
        "filtered": bool(params.get("q") or params.get("country")),
        "next": request.get_full_path(),
    })


@staff_only
def correct(request):
    data = request.POST if request.method == "POST" else request.GET
    form = CorrectionForm(data if request.method == "POST" else None,
                          initial={"raw": data.get("raw", ""), "search": data.get("search", ""),
                                   "note": data.get("note", "")})
    raw = data.get("raw", "")
    next_url = _safe_next(request, data.get("next", ""))
    chosen = None
    if request.method == "POST" and form.is_valid():
        institution = chosen = form.cleaned_data["institution"]
        try:
            services.correct_affiliation(raw=form.cleaned_data["raw"], institution=institution,
                                         actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _saved_message(raw, institution))
            return redirect(next_url)
    if not raw.strip() and request.method != "POST":
        messages.warning(request, _("Choose a string of the review queue to correct it."))
        return redirect("observatory_review:queue")
    search = data.get("search", "").strip()
    found = selectors.find_institutions(text=search) if search else []
    problem = ""
    try:
        entry = selectors.queue_entry(raw=raw)
    except selectors.StoreUnavailable as exc:
        entry, problem = selectors.QueueEntry(raw=raw, works=0), exc.message
    answer = selectors.reviews(raws=[raw], matcher=selectors.review_matcher())[raw]
    item = _item(entry, answer, 1)
    offered = {p["institution"].pk for p in item["proposals"]}
    results = [i for i in found if i.pk not in offered]
    if form.is_bound and chosen is None:
        chosen = form.cleaned_data.get("institution")
    if chosen is not None and chosen.pk not in offered and chosen not in results:
        results.insert(0, chosen)  # keep what was chosen when another field was refused
    selected = str(form["institution"].value() or "").strip()
    for proposal in item["proposals"]:
        proposal["checked"] = str(proposal["institution"].pk) == selected
    for institution in results:
        institution.checked = str(institution.pk) == selected
    return render(request, "observatory/review/correct.html", {
        "form": form, "item": item, "search": search, "results": results,
        "searched": bool(search), "nothing_found": bool(search) and not found,
        "problem": problem, "next": next_url, "selected": selected,
    })


@staff_only
def corrections(request):
    made = AffiliationCorrection.objects.select_related("institution", "created_by")
    page = Paginator(made, CORRECTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "observatory/review/corrections.html", {
        "page": page, "base_query": ""})


@require_POST
@staff_only
def undo(request, pk: int):
    correction = get_object_or_404(AffiliationCorrection, pk=pk)
    raw = correction.raw
    services.undo_correction(correction=correction, actor=request.user)
    messages.success(request, _("The correction of “%(raw)s” is undone. The string goes back "
                                "to the matcher at the next indexing of the observatory.")
                     % {"raw": raw})
    return redirect("observatory_review:corrections")


# --- helpers --------------------------------------------------------------------------------

def _item(entry: selectors.QueueEntry, answer: selectors.Review, number: int) -> dict:
    """What the templates show about one string."""
    return {
        "number": number, "prefix": f"s{number}", "raw": entry.raw, "works": entry.works,
        "countries": [(code, _country_name(code)) for code in entry.countries],
        "found": answer.reason == "found",
        "why": "" if answer.reason == "found" else _(REASONS.get(answer.reason,
                                                                 REASONS["weak"])),
        "proposals": [{
            "institution": p.institution, "score": p.score,
            "why": (_("found by the matcher with today’s directory") if p.found
                    else _(REASONS.get(p.reason, REASONS["weak"]))),
        } for p in answer.proposals],
    }


def _country_name(code: str) -> str:
    return Locale.parse(babel_locale()).territories.get(code, code)


def _saved_message(raw: str, institution: Institution | None) -> str:
    if institution is None:
        text = _("“%(raw)s” is marked as naming no institution of the registry.") % {"raw": raw}
    else:
        text = _("“%(raw)s” is attributed to %(name)s (ROR %(ror_id)s).") % {
            "raw": raw, "name": institution.name, "ror_id": institution.ror_id}
    return f"{text} {_('The indicators count it from the next indexing of the observatory.')}"


def _add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return reverse("observatory_review:queue")
