"""Review exercise pages for staff: the assignment, reviewer suggestions with their conflicts,
and changes by hand (assign, remove, swap), each checked and audited."""

from urllib.parse import urlencode

from babel.numbers import format_decimal
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jumelage.core.formatting import babel_locale
from jumelage.directory.models import Person
from jumelage.directory.selectors import search_people
from jumelage.matching import services
from jumelage.matching.engine.assignment import REASONS, Infeasible
from jumelage.matching.models import (
    CONFLICT_RULES,
    Assignment,
    PoolMember,
    ReviewExercise,
    ReviewItem,
)
from jumelage.matching.selectors import ExerciseData, exercise_data


def _exercise_for(request, pk: int) -> ReviewExercise:
    exercise = get_object_or_404(ReviewExercise.objects.select_related("pole"), pk=pk)
    if not request.user.has_perm("matching.manage_exercise", exercise):
        raise PermissionDenied
    return exercise


class ReviewerForm(forms.Form):
    reviewer = forms.TypedChoiceField(label=gettext_lazy("Reviewer"), coerce=int)

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = choices
        self.fields["reviewer"].error_messages["invalid_choice"] = gettext_lazy(
            "Choose a reviewer of this exercise's pool; %(value)s is not one of them.")


class ExerciseSettingsForm(forms.ModelForm):
    conflict_rules = forms.MultipleChoiceField(
        label=gettext_lazy("Conflicts of interest to detect"), required=False,
        choices=CONFLICT_RULES, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ReviewExercise
        fields = ["reviewers_per_item", "max_load", "min_load", "balance", "fair",
                  "conflict_rules", "coauthorship_years"]

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_load"), cleaned.get("max_load")
        if low is not None and high is not None and low > high:
            self.add_error("min_load", gettext_lazy(
                "The minimum (%(min)d items) is above the maximum (%(max)d items): give a "
                "minimum of %(max)d or less.") % {"min": low, "max": high})
        return cleaned


def _score_text(value: float) -> str:
    """An affinity with three decimals, in the reader's language ("0,412" in French)."""
    return format_decimal(round(value, 3), format="0.000", locale=babel_locale())


def _rows(data: ExerciseData, item: ReviewItem) -> list[dict]:
    """Every pool reviewer for one item: score, conflicts (translated), load, group."""
    i = data.item_index(item)
    loads: dict[int, int] = {}
    for person_id in Assignment.objects.filter(item__exercise=data.exercise).values_list(
            "reviewer_id", flat=True):
        loads[person_id] = loads.get(person_id, 0) + 1
    assigned = set(item.assignments.values_list("reviewer_id", flat=True))
    rows = []
    for j, person in enumerate(data.reviewers):
        reasons = [services.conflict_text(c) for c in data.reasons(item, person)]
        rows.append({"person": person, "score": float(data.scores[i, j]),
                     "score_text": _score_text(float(data.scores[i, j])),
                     "conflicts": reasons, "load": loads.get(person.pk, 0),
                     "max_load": data.max_loads[j], "group": data.groups[str(person.pk)],
                     "assigned": person.pk in assigned})
    rows.sort(key=lambda r: (bool(r["conflicts"]), -r["score"], r["person"].family_name,
                             r["person"].pk))
    return rows


@login_required
def exercise_list(request):
    """The review exercises the user manages (staff of a pole, site administrators)."""
    if not request.user.has_perm("matching.list_exercises"):
        raise PermissionDenied
    exercises = [e for e in ReviewExercise.objects.select_related("pole").prefetch_related(
        "owner").annotate(
        n_items=Count("items", distinct=True), n_pool=Count("pool", distinct=True)).order_by(
            "-created_at", "-pk")
        if request.user.has_perm("matching.manage_exercise", e)]
    return render(request, "matching/exercise_list.html", {"exercises": exercises})


@login_required
def exercise_detail(request, pk: int):
    exercise = _exercise_for(request, pk)
    data = exercise_data(exercise)
    assignments: dict[int, list[Assignment]] = {}
    for assignment in Assignment.objects.filter(item__exercise=exercise).select_related(
            "reviewer").order_by("reviewer__family_name", "pk"):
        assignments.setdefault(assignment.item_id, []).append(assignment)
    loads = {p.pk: 0 for p in data.reviewers}
    for rows in assignments.values():
        for assignment in rows:
            loads[assignment.reviewer_id] = loads.get(assignment.reviewer_id, 0) + 1
    items = [{"item": item, "assignments": assignments.get(item.pk, []),
              "missing": max(0, exercise.reviewers_per_item - len(assignments.get(item.pk, []))),
              "conflicts": int(data.conflicts.mask[i].sum()),
              "total": _score_text(sum(a.score or 0 for a in assignments.get(item.pk, [])))}
             for i, item in enumerate(data.items)]
    reviewers = [{"person": p, "group": data.groups[str(p.pk)], "load": loads.get(p.pk, 0),
                  "max_load": data.max_loads[j]} for j, p in enumerate(data.reviewers)]
    return render(request, "matching/exercise.html", {
        "exercise": exercise, "items": items, "reviewers": reviewers,
        "complete": all(row["missing"] == 0 for row in items) and bool(items)})


@login_required
def exercise_settings(request, pk: int):
    exercise = _exercise_for(request, pk)
    form = ExerciseSettingsForm(request.POST or None, instance=ReviewExercise.objects.get(
        pk=exercise.pk))
    if request.method == "POST" and form.is_valid():
        services.update_exercise(exercise=exercise, changes=form.cleaned_data,
                                 actor=request.user)
        messages.success(request, _("The rules of the exercise are saved. Compute the "
                                    "assignment again to apply them."))
        return redirect("matching:exercise", pk=exercise.pk)
    return render(request, "matching/exercise_settings.html",
                  {"exercise": exercise, "form": form})


POOL_SEARCH_LIMIT = 20


@login_required
def pool(request, pk: int):
    """The pool of reviewers: search the directory to add someone; remove a reviewer."""
    exercise = _exercise_for(request, pk)
    if request.method == "POST":
        back = f"{request.path}?{urlencode({'q': request.POST.get('q', '')})}"
        chosen = request.POST.get("remove") or request.POST.get("add") or ""
        if not chosen.isdigit():
            messages.error(request, _("Choose a person from the list."))
            return redirect(back)
        if "remove" in request.POST:
            member = get_object_or_404(PoolMember.objects.select_related("person", "exercise"),
                                       pk=int(chosen), exercise=exercise)
            services.remove_from_pool(member=member, actor=request.user)
            messages.success(request, _("%(person)s is no longer in the pool.")
                             % {"person": member.person.full_name})
        else:
            person = get_object_or_404(Person, pk=int(chosen))
            services.add_to_pool(exercise=exercise, person=person, actor=request.user)
            messages.success(request, _("%(person)s is in the pool.")
                             % {"person": person.full_name})
        return redirect(back)
    members = list(exercise.pool.select_related("person").order_by(
        "person__family_name", "person__given_name", "pk"))
    query = request.GET.get("q", "").strip()
    found = []
    if query:
        inside = {m.person_id for m in members}
        found = [p for p in search_people(user=request.user, query=query)[:POOL_SEARCH_LIMIT]
                 if p.pk not in inside]
    return render(request, "matching/pool.html", {
        "exercise": exercise, "members": members, "query": query, "found": found})


@login_required
def item_detail(request, pk: int, item_pk: int):
    exercise = _exercise_for(request, pk)
    item = get_object_or_404(ReviewItem, pk=item_pk, exercise=exercise)
    data = exercise_data(exercise)
    rows = _rows(data, item)
    eligible = [(r["person"].pk, r["person"].full_name) for r in rows
                if not r["conflicts"] and not r["assigned"]]
    current = list(item.assignments.select_related("reviewer").order_by(
        "reviewer__family_name", "pk"))
    return render(request, "matching/item.html", {
        "exercise": exercise, "item": item, "rows": rows, "assignments": current,
        "swap_form": ReviewerForm(choices=eligible), "eligible": eligible})


@require_POST
@login_required
def run_solver(request, pk: int):
    exercise = _exercise_for(request, pk)
    try:
        outcome = services.run_assignment(exercise=exercise, actor=request.user)
    except Infeasible as exc:
        messages.error(request, _("No assignment satisfies every rule. Why:"))
        for reason in exc.reasons:
            messages.error(request, _(REASONS[reason.code]) % reason.params)
        return redirect("matching:exercise", pk=exercise.pk)
    messages.success(request, _(
        "Assignment computed: %(added)d added, %(removed)d removed, %(kept)d kept; total "
        "affinity %(objective)s, worst-served item %(worst)s.") % {
            "added": outcome.added, "removed": outcome.removed, "kept": outcome.kept,
            "objective": _score_text(outcome.objective),
            "worst": _score_text(outcome.worst_item_total)})
    return redirect("matching:exercise", pk=exercise.pk)


def _reviewer_from(request, exercise: ReviewExercise) -> Person | None:
    """The pool reviewer the form names (the service then checks conflicts and loads on the
    exercise's data: no need to build it twice here)."""
    pool = {m.person.pk: m.person for m in exercise.pool.filter(active=True).select_related(
        "person")}
    form = ReviewerForm(request.POST, choices=[(pk, p.full_name) for pk, p in pool.items()])
    if not form.is_valid():
        for error in form.errors.get("reviewer", []):
            messages.error(request, error)
        return None
    return pool[form.cleaned_data["reviewer"]]


@require_POST
@login_required
def assign(request, pk: int, item_pk: int):
    exercise = _exercise_for(request, pk)
    item = get_object_or_404(ReviewItem, pk=item_pk, exercise=exercise)
    reviewer = _reviewer_from(request, exercise)
    if reviewer is not None:
        try:
            services.assign_reviewer(item=item, reviewer=reviewer, actor=request.user)
        except services.AssignmentRefused as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(person)s now reviews %(item)s.") % {
                "person": reviewer.full_name, "item": item.reference})
    return redirect("matching:item", pk=exercise.pk, item_pk=item.pk)


@require_POST
@login_required
def remove(request, pk: int):
    assignment = get_object_or_404(Assignment.objects.select_related(
        "item__exercise", "reviewer"), pk=pk)
    exercise = _exercise_for(request, assignment.item.exercise_id)
    item = assignment.item
    services.remove_assignment(assignment=assignment, actor=request.user)
    messages.success(request, _("%(person)s no longer reviews %(item)s.") % {
        "person": assignment.reviewer.full_name, "item": item.reference})
    return redirect("matching:item", pk=exercise.pk, item_pk=item.pk)


@require_POST
@login_required
def swap(request, pk: int):
    assignment = get_object_or_404(Assignment.objects.select_related(
        "item__exercise", "reviewer"), pk=pk)
    exercise = _exercise_for(request, assignment.item.exercise_id)
    item = assignment.item
    reviewer = _reviewer_from(request, exercise)
    if reviewer is not None:
        before = assignment.reviewer.full_name
        try:
            services.swap_reviewer(assignment=assignment, reviewer=reviewer, actor=request.user)
        except services.AssignmentRefused as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(new)s replaces %(old)s on %(item)s.") % {
                "new": reviewer.full_name, "old": before, "item": item.reference})
    return redirect("matching:item", pk=exercise.pk, item_pk=item.pk)
