"""Forms of call set-up: the call itself, one envelope row per pole and the criteria.

Opening and closing times are typed in the time of one of the poles (chosen on the form) and
stored in UTC; a time that does not exist there (the hour skipped when clocks go forward) is
refused with a message.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jumelage.calls.models import Call, Criterion, DocumentKind
from jumelage.calls.services.setup import EDITABLE, MIN_FUNDING_POLES
from jumelage.core.formatting import format_datetime, format_money
from jumelage.directory.models import Person, Pole, Theme

TIME_ZONES = (("Europe/Paris", _("Paris time")), ("America/Toronto", _("Montréal time")))
ZONED_FIELDS = ("opens_at", "closes_at", "intent_closes_at")
INPUT_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time, without a time zone: the form gives it one."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=INPUT_FORMAT)

    def to_python(self, value):
        with timezone.override(dt.UTC):
            result = super().to_python(value)
        return None if result is None else result.replace(tzinfo=None)

    def prepare_value(self, value):
        return value


class CallForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone of the dates and times above"),
        choices=TIME_ZONES,
        help_text=_("They are stored in UTC and shown in Paris and Montréal time."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    eligible_positions = forms.MultipleChoiceField(
        label=_("positions eligible to lead a side"),
        choices=Person.CareerStage.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Career stages of the directory a side's lead must hold."),
    )
    required_documents = forms.MultipleChoiceField(
        label=_("required documents"),
        choices=DocumentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consolidation_currency = forms.ChoiceField(
        label=_("currency of consolidated views"),
        help_text=_("Each envelope gives its rate to this currency."),
    )

    class Meta:
        model = Call
        fields = list(EDITABLE)
        field_classes = dict.fromkeys(ZONED_FIELDS, LocalDateTimeField)
        widgets = {
            "summary_fr": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "description_fr": forms.Textarea(attrs={"rows": 8}),
            "description_en": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, time_zone: str = "Europe/Paris", **kwargs):
        super().__init__(*args, **kwargs)
        currencies = sorted(
            set(Pole.objects.values_list("currency", flat=True))
            | {self.instance.consolidation_currency or "EUR"}
        )
        self.fields["consolidation_currency"].choices = [(c, c) for c in currencies]
        for name, field in self.fields.items():
            if name.endswith(("_fr", "_en")):
                field.widget.attrs["lang"] = name[-2:]
        zone = time_zone if time_zone in dict(TIME_ZONES) else TIME_ZONES[0][0]
        self.fields["time_zone"].initial = zone
        for name in ZONED_FIELDS:
            value = self.initial.get(name)
            if isinstance(value, dt.datetime) and timezone.is_aware(value):
                self.initial[name] = value.astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        zone_name = cleaned.get("time_zone") or TIME_ZONES[0][0]
        zone = zoneinfo.ZoneInfo(zone_name)
        for name in ZONED_FIELDS:
            naive = cleaned.get(name)
            if not isinstance(naive, dt.datetime):
                continue
            aware = naive.replace(tzinfo=zone)
            if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
                self.add_error(
                    name,
                    _(
                        "%(value)s does not exist in %(zone)s (the clocks go forward that "
                        "night): give another time."
                    )
                    % {
                        "value": naive.strftime("%Y-%m-%d %H:%M"),
                        "zone": dict(TIME_ZONES)[zone_name],
                    },
                )
                cleaned[name] = None
            elif aware.utcoffset() != naive.replace(tzinfo=zone, fold=1).utcoffset():
                self.add_error(
                    name,
                    _(
                        "%(value)s happens twice in %(zone)s (the clocks go back that night): "
                        "give another time."
                    )
                    % {
                        "value": naive.strftime("%Y-%m-%d %H:%M"),
                        "zone": dict(TIME_ZONES)[zone_name],
                    },
                )
                cleaned[name] = None
            else:
                cleaned[name] = aware.astimezone(dt.UTC)
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error(
                "closes_at",
                _(
                    "The call closes on %(closes)s, before it opens (%(opens)s): give a closing "
                    "time later than the opening time."
                )
                % {
                    "closes": format_datetime(closes, time_zone=zone_name),
                    "opens": format_datetime(opens, time_zone=zone_name),
                },
            )
        intent = cleaned.get("intent_closes_at")
        if cleaned.get("two_stage"):
            if intent is None and "intent_closes_at" not in self.errors:
                self.add_error(
                    "intent_closes_at",
                    _("A two-stage call needs a deadline for the letters of intent."),
                )
            elif intent and closes and intent >= closes:
                self.add_error(
                    "intent_closes_at",
                    _(
                        "The letters of intent close on %(intent)s, not before the call closes "
                        "(%(closes)s): give an earlier deadline."
                    )
                    % {
                        "intent": format_datetime(intent, time_zone=zone_name),
                        "closes": format_datetime(closes, time_zone=zone_name),
                    },
                )
        low, high = cleaned.get("min_duration_months"), cleaned.get("max_duration_months")
        if low is not None and high is not None and high < low:
            self.add_error(
                "max_duration_months",
                _(
                    "The longest project (%(high)d months) is shorter than the shortest one "
                    "(%(low)d months): give %(low)d months or more."
                )
                % {"low": low, "high": high},
            )
        low, high = cleaned.get("score_min"), cleaned.get("score_max")
        if low is not None and high is not None and high <= low:
            self.add_error(
                "score_max",
                _(
                    "The highest score (%(high)d) must be above the lowest score (%(low)d): give "
                    "%(next)d or more."
                )
                % {"low": low, "high": high, "next": low + 1},
            )
        return cleaned

    FIELDSETS = (
        (
            _("Texts of the call"),
            (
                "title_fr",
                "title_en",
                "summary_fr",
                "summary_en",
                "description_fr",
                "description_en",
                "themes",
            ),
        ),
        (_("Dates"), ("opens_at", "closes_at", "two_stage", "intent_closes_at", "time_zone")),
        (
            _("Eligibility"),
            (
                "min_duration_months",
                "max_duration_months",
                "eligible_positions",
                "third_country_allowed",
                "required_documents",
                "abstract_word_limit",
                "description_word_limit",
                "max_attachment_mb",
            ),
        ),
        (
            _("Evaluation"),
            (
                "score_min",
                "score_max",
                "disagreement_threshold",
                "reviewers_per_application",
                "max_reviewer_load",
            ),
        ),
        (_("Consolidated views"), ("consolidation_currency",)),
    )

    def fieldsets(self) -> list[tuple[str, list]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def changes(self) -> dict:
        """The cleaned values the services take."""
        return {name: self.cleaned_data[name] for name in EDITABLE}


class EnvelopeForm(forms.Form):
    """One pole's row: whether it funds the call and, if so, its envelope."""

    funds = forms.BooleanField(required=False)
    amount = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2)
    max_request = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2)
    exchange_rate = forms.DecimalField(
        required=False, max_digits=12, decimal_places=6, initial=Decimal("1")
    )

    def __init__(self, *args, pole: Pole, consolidation: str = "EUR", **kwargs):
        super().__init__(*args, **kwargs)
        self.pole = pole
        currency = pole.currency
        self.fields["funds"].label = _("%(pole)s funds this call") % {"pole": pole.short_name}
        self.fields["amount"].label = _("Envelope in %(currency)s") % {"currency": currency}
        self.fields["max_request"].label = _("Maximum request per project side in %(currency)s") % {
            "currency": currency
        }
        self.fields["exchange_rate"].label = _("Exchange rate")
        self.fields["exchange_rate"].help_text = _(
            "Units of the currency of consolidated views for one %(currency)s, such as 0.68 "
            "for CAD to EUR."
        ) % {"currency": currency}
        for name in ("amount", "max_request", "exchange_rate"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("funds"):
            return cleaned
        currency = self.pole.currency
        for name in ("amount", "max_request", "exchange_rate"):
            if cleaned.get(name) is None and name not in self.errors:
                self.add_error(
                    name,
                    _("%(pole)s funds the call: give this amount.")
                    % {"pole": self.pole.short_name},
                )
        rate = cleaned.get("exchange_rate")
        if rate is not None and rate <= 0:
            self.add_error(
                "exchange_rate",
                _(
                    "The exchange rate %(value)s is not above zero: give the value of one "
                    "%(currency)s in the currency of consolidated views, such as 0.68."
                )
                % {"value": rate, "currency": currency},
            )
        amount, cap = cleaned.get("amount"), cleaned.get("max_request")
        if amount is not None and cap is not None and cap > amount:
            self.add_error(
                "max_request",
                _(
                    "The maximum request (%(cap)s) is above the envelope (%(amount)s): give at "
                    "most %(amount)s."
                )
                % {"cap": format_money(cap, currency), "amount": format_money(amount, currency)},
            )
        return cleaned

    def envelope(self) -> dict:
        return {
            "pole": self.pole,
            **{
                name: self.cleaned_data[name] for name in ("amount", "max_request", "exchange_rate")
            },
        }


class EnvelopeRows:
    """One EnvelopeForm per pole of the partnership (a fixed set of rows)."""

    def __init__(self, data=None, *, call: Call | None = None, actor=None):
        self.actor = actor
        existing = {e.pole_id: e for e in call.envelopes.all()} if call and call.pk else {}
        self.forms = []
        for pole in Pole.objects.order_by("code"):
            envelope = existing.get(pole.pk)
            if envelope is not None:
                initial = {
                    "funds": True,
                    "amount": envelope.amount,
                    "max_request": envelope.max_request,
                    "exchange_rate": envelope.exchange_rate,
                }
            else:
                initial = {"funds": call is None or not call.pk, "exchange_rate": Decimal("1")}
            self.forms.append(
                EnvelopeForm(data, prefix=f"envelope-{pole.code}", pole=pole, initial=initial)
            )
        self.errors: list[str] = []

    def is_valid(self) -> bool:
        valid = all(form.is_valid() for form in self.forms)
        if not valid:
            return False
        funding = [form for form in self.forms if form.cleaned_data.get("funds")]
        if len(funding) < MIN_FUNDING_POLES:
            self.errors.append(
                str(
                    _(
                        "A joint call needs at least two funding poles; %(count)d chosen: tick "
                        "“funds this call” for each pole that funds it."
                    )
                    % {"count": len(funding)}
                )
            )
        elif self.actor is not None and all(f.pole.pk != self.actor.pole_id for f in funding):
            self.errors.append(
                str(
                    _(
                        "Your pole must be one of the funding poles of the call: tick “funds this "
                        "call” for %(pole)s."
                    )
                    % {"pole": self.actor.pole.short_name}
                )
            )
        return not self.errors

    def envelopes(self) -> list[dict]:
        return [form.envelope() for form in self.forms if form.cleaned_data.get("funds")]


class CriterionForm(forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Criterion
        fields = ["name_fr", "name_en", "description_fr", "description_en", "weight"]
        widgets = {
            "description_fr": forms.Textarea(attrs={"rows": 2}),
            "description_en": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weight"].widget.attrs["inputmode"] = "decimal"
        for name in ("name_fr", "name_en", "description_fr", "description_en"):
            self.fields[name].widget.attrs["lang"] = name[-2:]

    def clean_weight(self):
        weight = self.cleaned_data.get("weight")
        if weight is not None and weight <= 0:
            raise forms.ValidationError(
                _("The weight %(value)s is not above zero: give a weight such as 1 or 2.")
                % {"value": weight}
            )
        return weight

    def _post_clean(self):
        # The criterion belongs to the call: the service checks and saves it.
        pass


class BaseCriterionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.kept_forms():
            raise forms.ValidationError(
                _(
                    "Give at least one evaluation criterion, with its name in French and English "
                    "and its weight."
                )
            )

    def kept_forms(self) -> list[CriterionForm]:
        """Rows that hold a criterion (existing or typed) and are not ticked for removal."""
        return [
            form
            for form in self.forms
            if (form.cleaned_data.get("id") or form.has_changed())
            and not self._should_delete_form(form)
        ]

    def criteria(self) -> list[dict]:
        rows = []
        for form in self.kept_forms():
            rows.append(
                {
                    name: form.cleaned_data[name]
                    for name in (
                        "id",
                        "name_fr",
                        "name_en",
                        "description_fr",
                        "description_en",
                        "weight",
                    )
                }
            )
        return rows


CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=2, can_delete=True
)


def criterion_formset(data=None, *, call: Call | None = None) -> BaseCriterionFormSet:
    initial = []
    if call is not None and call.pk:
        initial = [
            {
                "id": c.pk,
                "name_fr": c.name_fr,
                "name_en": c.name_en,
                "description_fr": c.description_fr,
                "description_en": c.description_en,
                "weight": c.weight,
            }
            for c in call.criteria.order_by("position", "pk")
        ]
    return CriterionFormSet(data, prefix="criteria", initial=initial)
