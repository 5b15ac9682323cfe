"""Forms of the follow-up of awards: making the awards, recording a payment, a report."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jumelage.calls.models import BudgetCategory, Report
from jumelage.calls.services.followup import clean_dois


class AwardForm(forms.Form):
    """The board shows one per funded project without awards; the prefix names the project."""

    starts_on = forms.DateField(
        label=_("Start of the project"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The awards, instalments and reports are scheduled from this date."),
        error_messages={"invalid": _("Give the start as a date, such as 2027-09-01.")},
    )
    instalments = forms.IntegerField(
        label=_("Instalments per side"),
        min_value=1,
        max_value=12,
        initial=2,
        error_messages={
            "min_value": _("Give at least %(limit_value)s instalment."),
            "max_value": _("Give at most %(limit_value)s instalments."),
            "invalid": _("Give the number of instalments as a whole number, such as 2."),
        },
    )


class PaymentForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Paid on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give the date of the payment, such as 2027-10-15.")},
    )


def spending_field_name(pole_code: str, category: str) -> str:
    return f"spent_{pole_code}_{category}"


class ReportForm(forms.Form):
    narrative = forms.CharField(
        label=_("Narrative"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("What the project did in the period, what changed and why."),
        error_messages={"required": _("Write the narrative of the report.")},
    )
    publications = forms.CharField(
        label=_("Publications (DOIs)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One DOI per line, such as 10.1038/s41586-020-2649-2 or "
            "https://doi.org/10.1038/s41586-020-2649-2."
        ),
    )
    students_trained = forms.IntegerField(
        label=_("Students trained"),
        min_value=0,
        initial=0,
        error_messages={
            "min_value": _("Give a number of students of 0 or more."),
            "invalid": _("Give the number of students as a whole number."),
        },
    )
    mobilities = forms.IntegerField(
        label=_("Mobilities between the poles"),
        min_value=0,
        initial=0,
        error_messages={
            "min_value": _("Give a number of mobilities of 0 or more."),
            "invalid": _("Give the number of mobilities as a whole number."),
        },
    )

    def __init__(self, *args, awards, report: Report | None = None, **kwargs):
        """`awards`: the project's awards (one per side, with their poles)."""
        initial = kwargs.pop("initial", None) or {}
        if report is not None and report.status != Report.Status.DUE:
            spent = {(s.pole_id, s.category): s.amount for s in report.spending.all()}
            initial = {
                "narrative": report.narrative,
                "publications": "\n".join(report.publications),
                "students_trained": report.students_trained,
                "mobilities": report.mobilities,
                **initial,
            }
        else:
            spent = {}
        self.sides = []
        for award in awards:
            pole = award.pole
            for category in BudgetCategory:
                name = spending_field_name(pole.code, category.value)
                initial.setdefault(name, spent.get((pole.pk, category.value)))
                self.sides.append((name, pole, category))
        super().__init__(*args, initial=initial, **kwargs)
        for name, pole, category in self.sides:
            self.fields[name] = forms.DecimalField(
                label=_("%(category)s spent by %(side)s (%(currency)s)")
                % {"category": category.label, "side": pole.short_name, "currency": pole.currency},
                required=False,
                min_value=Decimal(0),
                max_digits=12,
                decimal_places=2,
                error_messages={
                    "min_value": _("Give an amount of 0 or more."),
                    "invalid": _("Give an amount such as 1250.50."),
                    "max_decimal_places": _("Give at most 2 decimals (cents)."),
                },
            )

    def clean_publications(self) -> list[str]:
        lines = self.cleaned_data["publications"].splitlines()
        try:
            return clean_dois(lines)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc

    def spending(self) -> dict[tuple[int, str], Decimal]:
        return {
            (pole.pk, category.value): self.cleaned_data[name]
            for name, pole, category in self.sides
            if self.cleaned_data.get(name) is not None
        }
