"""The form of a call itself: its texts, dates, eligibility, evaluation and consolidated views.

Opening and closing times are typed in the time of one of the poles (chosen on the form) and
stored in UTC; a time that does not exist there (the hour skipped when clocks go forward) is
refused with a message.
"""

import datetime as dt
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jumelage.calls.models import Call, DocumentKind
from jumelage.calls.services.setup import EDITABLE
from jumelage.calls.zones import MONTREAL, PARIS
from jumelage.core.formatting import format_datetime
from jumelage.directory.models import Person, Pole, Theme

TIME_ZONES = ((PARIS, _("Paris time")), (MONTREAL, _("Montréal time")))
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

    def __init__(self, *args, time_zone: str = PARIS, **kwargs):
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
