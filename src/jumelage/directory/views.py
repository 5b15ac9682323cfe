from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from jumelage.directory import selectors, services
from jumelage.directory.forms import DirectorySearchForm, ProfileForm
from jumelage.directory.models import Institution, Person, Team
from jumelage.directory.rules import is_profile_owner

PAGE_SIZE = 20


def directory(request):
    form = DirectorySearchForm(request.GET or None)
    params = {}
    if form.is_bound:
        # A bad parameter (a pole code from an old link) drops that filter only: the words
        # typed and the other filters still apply.
        form.is_valid()
        params = form.cleaned_data
    query = params.get("q", "")
    pole = params.get("pole", "")
    theme = params.get("theme", "")
    institution_id = params.get("institution")
    kind = params.get("kind") or "people"
    institution = (Institution.objects.filter(pk=institution_id).first()
                   if institution_id else None)

    results = {
        "people": selectors.search_people(user=request.user, query=query, pole=pole,
                                          institution=institution_id, theme=theme),
        "teams": selectors.search_teams(query=query, pole=pole, institution=institution_id,
                                        theme=theme),
        "institutions": selectors.search_institutions(query=query, pole=pole),
    }
    paginator = Paginator(results[kind], PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    # The paginator has counted the kind shown; count the other two once each.
    counts = {name: paginator.count if name == kind else qs.count()
              for name, qs in results.items()}
    base_query = request.GET.copy()
    base_query.pop("page", None)
    base_query.pop("kind", None)
    return render(request, "directory/index.html", {
        "form": form, "kind": kind, "page": page, "counts": counts, "query": query,
        "institution": institution, "base_query": base_query.urlencode(),
        "kinds": DirectorySearchForm.KINDS,
    })


def person(request, pk: int):
    try:
        entry = selectors.person_profile(pk=pk)
    except Person.DoesNotExist:
        raise Http404 from None
    if not request.user.has_perm("directory.view_person", entry):
        # Private entries are indistinguishable from missing ones.
        raise Http404
    can_change = request.user.has_perm("directory.change_person", entry)
    return render(request, "directory/person.html", {
        "person": entry, "affiliations": entry.affiliations.all(),
        "is_public_view": entry.public_profile and not can_change,
        # The link leads to the reader's own profile form ("Edit my profile"): only for the
        # person themself, not for an administrator reading someone else's entry.
        "can_edit": is_profile_owner(request.user, entry),
    })


def team(request, pk: int):
    entry = get_object_or_404(Team.objects.select_related("institution__pole", "leader"), pk=pk)
    members = selectors.visible_people(user=request.user).filter(
        affiliations__team=entry).order_by("family_name", "given_name").distinct()
    return render(request, "directory/team.html", {"team": entry, "members": members})


def institution(request, pk: int):
    entry = get_object_or_404(Institution.objects.select_related("pole"), pk=pk)
    return render(request, "directory/institution.html", {
        "institution": entry,
        "parents": entry.parents.order_by("name_fr"),
        "children": entry.children.order_by("name_fr"),
        "teams": entry.teams.order_by("name_fr"),
    })


@login_required
def edit_profile(request):
    entry = Person.objects.filter(user=request.user).first()
    if entry is None:
        entry = Person(user=request.user, given_name=request.user.first_name,
                       family_name=request.user.last_name, email=request.user.email)
    # The form validates a separate copy, so that the service sees the state before the change.
    working_copy = Person.objects.get(pk=entry.pk) if entry.pk else Person(user=request.user)
    form = ProfileForm(request.POST or None, instance=working_copy,
                       initial={} if entry.pk else {"given_name": entry.given_name,
                                                     "family_name": entry.family_name})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_person_profile(person=entry, actor=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("directory:person", pk=entry.pk)
    return render(request, "directory/profile_form.html", {"form": form, "person": entry})
