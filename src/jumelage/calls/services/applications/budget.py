"""The budget of each side, by category, in the side's currency, within the cap per side."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jumelage.calls.models import Application, BudgetCategory, BudgetLine
from jumelage.calls.services.applications.common import check_editable, stale_draft
from jumelage.core import audit
from jumelage.core.formatting import format_money


def side_totals(application: Application) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for line in application.budget_lines.all():
        totals[line.pole_id] = totals.get(line.pole_id, Decimal("0")) + line.amount
    return totals


@transaction.atomic
def set_budget(*, application: Application, pole, lines: dict, version: int, actor) -> Application:
    """Replace the budget of one side ({category: amount} in the side's currency)."""
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    check_editable(application, actor)
    if int(version) != application.version:
        raise stale_draft(application, int(version))
    envelope = (
        application.call.envelopes.select_related("pole")
        .filter(pole_id=getattr(pole, "pk", None))
        .first()
    )
    if envelope is None:
        raise ValidationError(
            {
                "pole": _(
                    "%(pole)s does not fund this call: only the sides of "
                    "its funding poles have a budget."
                )
                % {"pole": pole}
            }
        )
    errors: dict[str, list[str]] = {}
    amounts: dict[str, Decimal] = {}
    for category, raw in lines.items():
        if category not in BudgetCategory.values:
            raise ValueError(f"{category} is not a budget category")
        if raw in (None, ""):
            continue
        try:
            amount = Decimal(str(raw).replace(" ", "").replace("\xa0", "").replace(",", "."))
        except InvalidOperation:
            errors[category] = [
                _("“%(value)s” is not an amount: give a number such as 12000 or 12000.50.")
                % {"value": raw}
            ]
            continue
        if not amount.is_finite():
            errors[category] = [
                _("“%(value)s” is not an amount: give a number such as 12000 or 12000.50.")
                % {"value": raw}
            ]
        elif amount < 0:
            errors[category] = [
                _("%(amount)s is negative: give an amount of zero or more.")
                % {"amount": format_money(amount, envelope.currency)}
            ]
        elif amount.as_tuple().exponent < -2 or amount >= Decimal("1e10"):
            errors[category] = [
                _(
                    "%(value)s has more than two decimals or too many digits: "
                    "give an amount in %(currency)s such as 12000.50."
                )
                % {"value": raw, "currency": envelope.currency}
            ]
        else:
            amounts[category] = amount
    total = sum(amounts.values(), Decimal("0"))
    if not errors and total > envelope.max_request:
        errors["total"] = [
            _(
                "The %(side)s side asks for %(total)s in total, above the cap of "
                "%(cap)s per side: lower its total to %(cap)s or less."
            )
            % {
                "side": envelope.pole.short_name,
                "total": format_money(total, envelope.currency),
                "cap": format_money(envelope.max_request, envelope.currency),
            }
        ]
    if errors:
        raise ValidationError(errors)
    before = {
        f"{envelope.pole.code}.{line.category}": str(line.amount)
        for line in application.budget_lines.filter(pole=envelope.pole)
    }
    application.budget_lines.filter(pole=envelope.pole).delete()
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                application=application, pole=envelope.pole, category=category, amount=amount
            )
            for category, amount in amounts.items()
            if amount
        ]
    )
    after = {f"{envelope.pole.code}.{c}": str(a) for c, a in amounts.items() if a}
    changes = audit.diff(before, after)
    if changes:
        changes["version"] = [application.version, application.version + 1]
        application.version += 1
        application.save(update_fields=["version", "updated_at"])
        audit.record(
            actor=actor, action="calls.application.budget", obj=application, changes=changes
        )
    return application
