"""Writes for joint calls. A call is published only when the staff of every funding pole have
approved it as it stands: a change to an approved call takes the approvals back."""

import hashlib
import json
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jumelage.accounts.rules import is_pole_staff
from jumelage.calls.models import Call, CallApproval, Criterion, Envelope
from jumelage.core import audit
from jumelage.core.formatting import format_datetime, format_money
from jumelage.directory.models import Pole

EDITABLE = (
    "title_fr",
    "title_en",
    "summary_fr",
    "summary_en",
    "description_fr",
    "description_en",
    "themes",
    "opens_at",
    "closes_at",
    "two_stage",
    "intent_closes_at",
    "min_duration_months",
    "max_duration_months",
    "eligible_positions",
    "third_country_allowed",
    "required_documents",
    "abstract_word_limit",
    "description_word_limit",
    "max_attachment_mb",
    "score_min",
    "score_max",
    "disagreement_threshold",
    "consolidation_currency",
    "reviewers_per_application",
    "max_reviewer_load",
)
M2M = ("themes",)
ENVELOPE_FIELDS = ("amount", "max_request", "exchange_rate")
CRITERION_FIELDS = ("name_fr", "name_en", "description_fr", "description_en", "weight")
MIN_FUNDING_POLES = 2


def _refuse_unless_draft(call: Call) -> None:
    if call.status != Call.Status.DRAFT:
        raise ValidationError(_("The call is published: it can no longer be changed."))


def _check_call(call: Call) -> None:
    """The model's own validation plus the rules of two-stage calls."""
    call.full_clean(exclude=list(M2M))
    if call.two_stage:
        if call.intent_closes_at is None:
            raise ValidationError(
                {
                    "intent_closes_at": _(
                        "A two-stage call needs a deadline for the letters of intent."
                    )
                }
            )
        if call.intent_closes_at >= call.closes_at:
            raise ValidationError(
                {
                    "intent_closes_at": _(
                        "The letters of intent must close before the call closes "
                        "(%(closes)s): give an earlier deadline."
                    )
                    % {"closes": format_datetime(call.closes_at)}
                }
            )


def _withdraw_approvals(call: Call, diff: dict) -> dict:
    """Take back the approvals of a call that changed; note them in the diff."""
    withdrawn = sorted(a.pole.code for a in call.approvals.select_related("pole"))
    call.approvals.all().delete()
    if withdrawn:
        diff["approvals"] = [withdrawn, []]
    return diff


def _envelopes_state(call: Call) -> dict:
    return {
        e.pole.code: {name: str(getattr(e, name)) for name in ENVELOPE_FIELDS}
        for e in call.envelopes.select_related("pole").order_by("pole__code")
    }


def _criteria_state(call: Call) -> list[dict]:
    return [
        {
            name: str(getattr(c, name)) if name == "weight" else getattr(c, name)
            for name in CRITERION_FIELDS
        }
        for c in call.criteria.order_by("position", "pk")
    ]


def _apply_fields(call: Call, data: dict) -> dict:
    """Set the plain fields of `data` on the call; return the many-to-many values."""
    m2m = {}
    for name, value in data.items():
        if name not in EDITABLE:
            raise ValueError(f"{name} is not a field of the call that can be changed")
        if name in M2M:
            m2m[name] = value
        else:
            setattr(call, name, value)
    return m2m


def _write_envelopes(call: Call, envelopes: list[dict]) -> None:
    rows = {}
    for row in envelopes:
        pole = row["pole"]
        pole = pole if isinstance(pole, Pole) else Pole.objects.get(pk=pole)
        if pole.pk in rows:
            raise ValidationError(
                _("%(pole)s has two envelopes: give one envelope per funding pole.")
                % {"pole": pole.short_name}
            )
        rows[pole.pk] = (pole, row)
    if len(rows) < MIN_FUNDING_POLES:
        raise ValidationError(
            _(
                "A joint call needs at least two funding poles, each with its "
                "envelope; %(count)d given."
            )
            % {"count": len(rows)}
        )
    existing = {e.pole_id: e for e in call.envelopes.all()}
    for pole_id, envelope in existing.items():
        if pole_id not in rows:
            envelope.delete()
    for pole_id, (pole, row) in rows.items():
        envelope = existing.get(pole_id) or Envelope(call=call, pole=pole)
        for name in ENVELOPE_FIELDS:
            if name in row:
                setattr(envelope, name, Decimal(str(row[name])))
        if (
            envelope.max_request is not None
            and envelope.amount is not None
            and envelope.max_request > envelope.amount
        ):
            raise ValidationError(
                {
                    "max_request": _(
                        "The maximum request of %(pole)s (%(request)s) is above its envelope "
                        "(%(amount)s): give at most the envelope."
                    )
                    % {
                        "pole": pole.short_name,
                        "request": format_money(envelope.max_request, pole.currency),
                        "amount": format_money(envelope.amount, pole.currency),
                    }
                }
            )
        envelope.full_clean(exclude=["call", "pole"])
        envelope.save()


def _write_criteria(call: Call, criteria: list[dict]) -> None:
    existing = {c.pk: c for c in call.criteria.all()}
    keep = set()
    for position, row in enumerate(criteria, start=1):
        criterion = existing.get(row.get("id")) or Criterion(call=call)
        for name in CRITERION_FIELDS:
            if name in row:
                setattr(criterion, name, row[name] if name != "weight" else Decimal(str(row[name])))
        criterion.position = position
        criterion.full_clean(exclude=["call"])
        criterion.save()
        keep.add(criterion.pk)
    for pk, criterion in existing.items():
        if pk not in keep:
            criterion.delete()


def _lock(call: Call) -> Call:
    """Lock the call's row until the end of the transaction and read it again, so that two
    staff changing or approving the same call take turns, each working on the stored text (the
    caller's copy is brought up to date)."""
    call.refresh_from_db(from_queryset=Call.objects.select_for_update())
    return call


def approval_fingerprint(call: Call) -> str:
    """A digest of the text the poles approve: the call's editable fields, its envelopes and
    its criteria, as stored. Any change to them gives another digest."""
    stored = Call.objects.get(pk=call.pk)
    state = {
        "call": audit.snapshot(stored, EDITABLE),
        "envelopes": _envelopes_state(stored),
        "criteria": _criteria_state(stored),
    }
    text = json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _check_actor_pole_funds(call: Call, actor) -> None:
    if not call.envelopes.filter(pole_id=actor.pole_id).exists():
        raise ValidationError(
            _("Your pole must be one of the funding poles of the call: keep its envelope.")
        )


@transaction.atomic
def create_call(*, data: dict, envelopes: list[dict], criteria: list[dict], actor) -> Call:
    """A new draft call prepared by the staff of one of its funding poles, with one envelope
    per funding pole (`{"pole", "amount", "max_request", "exchange_rate"}`) and its criteria
    (`{"name_fr", "name_en", "description_fr", "description_en", "weight"}`)."""
    if not is_pole_staff(actor):
        raise PermissionDenied
    call = Call(created_by=actor, status=Call.Status.DRAFT)
    m2m = _apply_fields(call, data)
    _check_call(call)
    call.save()
    for name, value in m2m.items():
        getattr(call, name).set(value)
    _write_envelopes(call, envelopes)
    _check_actor_pole_funds(call, actor)
    _write_criteria(call, criteria)
    changes = {name: [None, value] for name, value in audit.snapshot(call, EDITABLE).items()}
    changes["envelopes"] = [None, _envelopes_state(call)]
    changes["criteria"] = [None, _criteria_state(call)]
    audit.record(actor=actor, action="calls.create", obj=call, changes=changes)
    return call


@transaction.atomic
def update_call(*, call: Call, changes: dict, actor) -> Call:
    """Change a draft call; approvals already given are taken back (audited), since the
    poles approved another text."""
    _lock(call)
    if not actor.has_perm("calls.change_call", call):
        raise PermissionDenied
    _refuse_unless_draft(call)
    before = audit.snapshot(call, EDITABLE)
    m2m = _apply_fields(call, changes)
    _check_call(call)
    call.save()
    for name, value in m2m.items():
        getattr(call, name).set(value)
    diff = audit.diff(before, audit.snapshot(call, EDITABLE))
    if diff:
        _withdraw_approvals(call, diff)
        audit.record(actor=actor, action="calls.update", obj=call, changes=diff)
    return call


@transaction.atomic
def set_envelopes(*, call: Call, envelopes: list[dict], actor) -> Call:
    """Replace the envelopes of a draft call (one per funding pole); a change takes the
    approvals back (audited)."""
    _lock(call)
    if not actor.has_perm("calls.change_call", call):
        raise PermissionDenied
    _refuse_unless_draft(call)
    before = _envelopes_state(call)
    _write_envelopes(call, envelopes)
    _check_actor_pole_funds(call, actor)
    after = _envelopes_state(call)
    if before != after:
        diff = _withdraw_approvals(call, {"envelopes": [before, after]})
        audit.record(actor=actor, action="calls.set_envelopes", obj=call, changes=diff)
    return call


@transaction.atomic
def set_criteria(*, call: Call, criteria: list[dict], actor) -> Call:
    """Replace the evaluation criteria of a draft call, in the order given (a row with an
    `id` changes that criterion); a change takes the approvals back (audited)."""
    _lock(call)
    if not actor.has_perm("calls.change_call", call):
        raise PermissionDenied
    _refuse_unless_draft(call)
    before = _criteria_state(call)
    _write_criteria(call, criteria)
    after = _criteria_state(call)
    if before != after:
        diff = _withdraw_approvals(call, {"criteria": [before, after]})
        audit.record(actor=actor, action="calls.set_criteria", obj=call, changes=diff)
    return call


@transaction.atomic
def approve_call(*, call: Call, actor, fingerprint: str | None = None) -> Call:
    """The actor's pole turns its key; the last funding pole to approve publishes the call.

    `fingerprint` is the `approval_fingerprint` of the text the actor read: if the call changed
    since, the approval is refused, so that a pole never approves a text it did not see. None
    approves the call as it stands (demo data, scripts)."""
    _lock(call)
    if not actor.has_perm("calls.approve_call", call):
        raise PermissionDenied
    if call.status != Call.Status.DRAFT:
        return call
    if fingerprint is not None and fingerprint != approval_fingerprint(call):
        raise ValidationError(
            _("The call changed since you opened it: read it again before approving.")
        )
    _approval, created = CallApproval.objects.get_or_create(
        call=call, pole_id=actor.pole_id, defaults={"approved_by": actor}
    )
    if created:
        audit.record(
            actor=actor,
            action="calls.approve",
            obj=call,
            changes={"approved_by_pole": [None, actor.pole.code]},
        )
    funders = set(call.envelopes.values_list("pole_id", flat=True))
    approved = set(call.approvals.values_list("pole_id", flat=True))
    if funders and funders <= approved:
        call.status = Call.Status.PUBLISHED
        call.published_at = timezone.now()
        call.save(update_fields=["status", "published_at", "updated_at"])
        audit.record(
            actor=actor,
            action="calls.publish",
            obj=call,
            changes={"status": [Call.Status.DRAFT, Call.Status.PUBLISHED]},
        )
    return call
