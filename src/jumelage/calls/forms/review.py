"""Forms of eligibility and review: staff override, the review itself, a declared conflict."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jumelage.calls.models import Call, Criterion


class EligibilityOverrideForm(forms.Form):
    eligible = forms.TypedChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        choices=[("yes", _("eligible")), ("no", _("not eligible"))],
        error_messages={
            "required": _("Choose the outcome: eligible or not eligible."),
            "invalid_choice": _("Choose eligible or not eligible; “%(value)s” is neither."),
        },
    )
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("Why staff decide otherwise than the checks; kept in the audit log."),
        error_messages={
            "required": _(
                "Give the justification of the decision: it is kept in "
                "the audit log with the outcome."
            )
        },
    )


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("Seen by the programme staff only."),
        error_messages={
            "required": _(
                "Say briefly why you have a conflict of interest with this application (for "
                "example: “I co-supervise a student with the lead”)."
            )
        },
    )


def score_field_name(criterion: Criterion) -> str:
    return f"score_{criterion.pk}"


class ReviewForm(forms.Form):
    """A score per criterion on the call's scale (a choice, so that only the scale can be
    sent), comments for the applicants and confidential comments for the panel."""

    comments_for_applicants = forms.CharField(
        label=_("Comments for the applicants"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Sent to the applicants with the decision, without your name."),
    )
    confidential_comments = forms.CharField(
        label=_("Confidential comments for the panel"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Read by the panel and the programme staff only; never shown to the applicants."
        ),
    )

    def __init__(self, *args, call: Call, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.criteria = criteria
        scale = [(str(n), str(n)) for n in range(call.score_min, call.score_max + 1)]
        fields = {}
        for criterion in criteria:
            fields[score_field_name(criterion)] = forms.TypedChoiceField(
                label=criterion.name,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("not scored yet")), *scale],
                help_text=criterion.description,
                error_messages={
                    "invalid_choice": _(
                        "Choose a score from %(min)d to %(max)d; “%%(value)s” is not on the scale."
                    )
                    % {"min": call.score_min, "max": call.score_max}
                },
            )
        self.fields = {**fields, **self.fields}

    def score_fields(self):
        return [self[score_field_name(c)] for c in self.criteria]

    def scores(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(score_field_name(c)) for c in self.criteria}
