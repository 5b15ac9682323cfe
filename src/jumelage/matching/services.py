"""Writes for review exercises: run the solver, assign, remove and swap reviewers by hand.

Every change is audited with what it replaced. A reviewer with a conflict of interest is never
assigned, by the solver or by hand; assignments made by hand stay when the solver runs again.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from jumelage.core import audit
from jumelage.directory.models import Person, Pole
from jumelage.matching.engine.assignment import Infeasible, Problem, solve
from jumelage.matching.engine.conflicts import Conflict
from jumelage.matching.models import Assignment, PoolMember, ReviewExercise, ReviewItem
from jumelage.matching.selectors import OTHER_GROUP, ExerciseData, exercise_data


class AssignmentRefused(Exception):
    """A change by hand that would break a rule; `messages` says which, translated."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def conflict_text(conflict: Conflict) -> str:
    return _(conflict.template) % conflict.params


def balance_groups(exercise: ReviewExercise, data: ExerciseData) -> frozenset[str]:
    if exercise.balance == ReviewExercise.Balance.EACH_POLE:
        return frozenset(Pole.objects.values_list("code", flat=True))
    if exercise.balance == ReviewExercise.Balance.OUTSIDE:
        return frozenset({OTHER_GROUP})
    return frozenset()


def reviewer_label(person: Person) -> str:
    """The solver's id of a reviewer: readable in its messages, unique ("Alex Roy #12")."""
    return f"{person.full_name} #{person.pk}"


def build_problem(data: ExerciseData) -> Problem:
    """The exercise as the solver takes it; items are named by their reference and
    reviewers by `reviewer_label`, so that its reasons name them as staff know them."""
    exercise = data.exercise
    items = {item.pk: item.reference for item in data.items}
    reviewers = {p.pk: reviewer_label(p) for p in data.reviewers}
    manual = [(items[a.item_id], reviewers[a.reviewer_id]) for a in Assignment.objects.filter(
        item__exercise=exercise, origin=Assignment.Origin.MANUAL)
        if a.reviewer_id in reviewers]
    return Problem(
        items=list(items.values()), reviewers=list(reviewers.values()),
        scores=data.scores, conflicts=data.conflicts.mask,
        k=exercise.reviewers_per_item, max_load=data.max_loads,
        min_load=exercise.min_load,
        groups={reviewers[p.pk]: data.groups[str(p.pk)] for p in data.reviewers},
        balance=balance_groups(exercise, data), fixed=manual)


@dataclass
class RunOutcome:
    added: int
    removed: int
    kept: int
    objective: float
    worst_item_total: float
    optimal: bool


SETTINGS_FIELDS = ("reviewers_per_item", "max_load", "min_load", "balance", "fair",
                   "conflict_rules", "coauthorship_years")


@transaction.atomic
def update_exercise(*, exercise: ReviewExercise, changes: dict, actor) -> ReviewExercise:
    """Change an exercise's rules (k, loads, balance, fairness, conflict rules); audited with
    the fields' old and new values. The assignment already made is left as it is."""
    before = audit.snapshot(exercise, SETTINGS_FIELDS)
    for name in SETTINGS_FIELDS:
        if name in changes:
            setattr(exercise, name, changes[name])
    exercise.save(update_fields=[*SETTINGS_FIELDS, "updated_at"])
    diff = audit.diff(before, audit.snapshot(exercise, SETTINGS_FIELDS))
    if diff:
        audit.record(actor=actor, action="matching.update_exercise", obj=exercise,
                     changes=diff)
    return exercise


@transaction.atomic
def add_to_pool(*, exercise: ReviewExercise, person: Person, actor) -> PoolMember:
    member, created = PoolMember.objects.get_or_create(exercise=exercise, person=person)
    if created:
        audit.record(actor=actor, action="matching.add_reviewer", obj=exercise,
                     changes={"pool": [None, person.full_name]})
    return member


@transaction.atomic
def remove_from_pool(*, member: PoolMember, actor) -> None:
    """Take a reviewer out of the pool; their assignments in the exercise go with them."""
    assigned = Assignment.objects.filter(item__exercise=member.exercise_id,
                                         reviewer=member.person_id)
    audit.record(actor=actor, action="matching.remove_reviewer", obj=member.exercise,
                 changes={"pool": [member.person.full_name, None],
                          "assignments": [sorted(a.item.reference for a in
                                                 assigned.select_related("item")), None]})
    assigned.delete()
    member.delete()


@transaction.atomic
def run_assignment(*, exercise: ReviewExercise, actor) -> RunOutcome:
    """Solve the exercise and replace the solver's earlier proposal; hand-made assignments
    stay (they are fixed pairs for the solver). Raises `Infeasible` with its reasons, and
    changes nothing then."""
    exercise = ReviewExercise.objects.select_for_update().get(pk=exercise.pk)
    data = exercise_data(exercise)
    result = solve(problem=build_problem(data), fair=exercise.fair)
    item_of = {item.reference: (i, item.pk) for i, item in enumerate(data.items)}
    reviewer_of = {reviewer_label(p): (j, p.pk) for j, p in enumerate(data.reviewers)}
    score = {}
    wanted = set()
    for item, reviewer in result.pairs:
        (i, item_pk), (j, person_pk) = item_of[item], reviewer_of[reviewer]
        wanted.add((item_pk, person_pk))
        score[(item_pk, person_pk)] = float(data.scores[i, j])
    existing = {(a.item_id, a.reviewer_id): a for a in Assignment.objects.filter(
        item__exercise=exercise)}
    stale = [a for pair, a in existing.items()
             if pair not in wanted and a.origin == Assignment.Origin.SOLVER]
    Assignment.objects.filter(pk__in=[a.pk for a in stale]).delete()
    new = [Assignment(item_id=item, reviewer_id=reviewer,
                      origin=Assignment.Origin.SOLVER, score=score[(item, reviewer)],
                      created_by=actor if getattr(actor, "is_authenticated", False) else None)
           for item, reviewer in sorted(wanted - set(existing))]
    Assignment.objects.bulk_create(new)
    outcome = RunOutcome(added=len(new), removed=len(stale), kept=len(wanted & set(existing)),
                         objective=round(result.objective, 6),
                         worst_item_total=round(result.worst_item_total, 6),
                         optimal=result.optimal)
    audit.record(actor=actor, action="matching.run_assignment", obj=exercise, changes={
        "added": [None, sorted(f"{a.item_id}:{a.reviewer_id}" for a in new)],
        "removed": [sorted(f"{a.item_id}:{a.reviewer_id}" for a in stale), None],
        "objective": [None, outcome.objective], "fair": [None, exercise.fair]})
    return outcome


def _refusals(*, data: ExerciseData, item: ReviewItem, reviewer: Person,
              leaving: Assignment | None = None) -> list[str]:
    messages = []
    if all(p.pk != reviewer.pk for p in data.reviewers):
        messages.append(_("%(person)s is not in this exercise's pool of reviewers.")
                        % {"person": reviewer.full_name})
        return messages
    reasons = data.reasons(item, reviewer)
    if reasons:
        messages.append(_("%(person)s has a conflict of interest with %(item)s: %(reasons)s.")
                        % {"person": reviewer.full_name, "item": item.reference,
                           "reasons": "; ".join(conflict_text(c) for c in reasons)})
    if Assignment.objects.filter(item=item, reviewer=reviewer).exists():
        messages.append(_("%(person)s already reviews %(item)s.")
                        % {"person": reviewer.full_name, "item": item.reference})
    load = Assignment.objects.filter(item__exercise=data.exercise, reviewer=reviewer).exclude(
        pk=getattr(leaving, "pk", None)).count()
    limit = data.max_loads[data.reviewer_index(reviewer)]
    if load >= limit:
        messages.append(_("%(person)s already has %(load)d items, the maximum for this "
                          "exercise.") % {"person": reviewer.full_name, "load": load})
    if leaving is None and item.assignments.count() >= data.exercise.reviewers_per_item:
        messages.append(_("%(item)s already has its %(k)d reviewers; remove or swap one.")
                        % {"item": item.reference, "k": data.exercise.reviewers_per_item})
    return messages


def _score(data: ExerciseData, item: ReviewItem, reviewer: Person) -> float:
    return float(data.scores[data.item_index(item), data.reviewer_index(reviewer)])


@transaction.atomic
def assign_reviewer(*, item: ReviewItem, reviewer: Person, actor) -> Assignment:
    data = exercise_data(item.exercise)
    refused = _refusals(data=data, item=item, reviewer=reviewer)
    if refused:
        raise AssignmentRefused(refused)
    assignment = Assignment.objects.create(item=item, reviewer=reviewer,
                                           origin=Assignment.Origin.MANUAL,
                                           score=_score(data, item, reviewer), created_by=actor)
    audit.record(actor=actor, action="matching.assign", obj=assignment,
                 changes={"reviewer": [None, reviewer.full_name],
                          "item": [None, item.reference]})
    return assignment


@transaction.atomic
def remove_assignment(*, assignment: Assignment, actor) -> None:
    audit.record(actor=actor, action="matching.remove", obj=assignment.item.exercise,
                 changes={"assignment": [f"{assignment.item.reference}: "
                                         f"{assignment.reviewer.full_name}", None],
                          "origin": [assignment.origin, None]})
    assignment.delete()


@transaction.atomic
def swap_reviewer(*, assignment: Assignment, reviewer: Person, actor) -> Assignment:
    """Replace the assignment's reviewer by another, after the same checks as by hand."""
    item = assignment.item
    data = exercise_data(item.exercise)
    refused = _refusals(data=data, item=item, reviewer=reviewer, leaving=assignment)
    if refused:
        raise AssignmentRefused(refused)
    before = assignment.reviewer.full_name
    assignment.delete()
    new = Assignment.objects.create(item=item, reviewer=reviewer,
                                    origin=Assignment.Origin.MANUAL,
                                    score=_score(data, item, reviewer), created_by=actor)
    audit.record(actor=actor, action="matching.swap", obj=new,
                 changes={"reviewer": [before, reviewer.full_name],
                          "item": [item.reference, item.reference]})
    return new


__all__ = ["AssignmentRefused", "Infeasible", "RunOutcome", "assign_reviewer",
           "remove_assignment", "run_assignment", "swap_reviewer"]
