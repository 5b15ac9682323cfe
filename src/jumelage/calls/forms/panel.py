"""Forms of the panel and the decision: a panel note, a funding scenario to compute, a pole's
decision on one application."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jumelage.calls.models import Decision, FundingScenario


class PanelNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note for the panel"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Seen by the staff of the funding poles only, never by the applicants."),
        error_messages={"required": _("Write the note: an empty panel note is not kept.")},
    )


class ScenarioForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"),
        choices=FundingScenario.Method.choices,
        widget=forms.RadioSelect,
        initial=FundingScenario.Method.LINE,
        error_messages={
            "required": _("Choose a method: the funding line or the optimal selection."),
            "invalid_choice": _(
                "“%(value)s” is not a method: choose the funding line or the optimal selection."
            ),
        },
    )
    keep_rank_order = forms.BooleanField(
        label=_("Respect the rank order"),
        required=False,
        initial=True,
        help_text=_(
            "A project is funded only if every better-ranked project that fits the "
            "envelopes on its own is funded too. Untick to let the optimal selection "
            "skip a project in favour of several smaller ones."
        ),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=Decision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a decision: fund or do not fund."),
            "invalid_choice": _("“%(value)s” is not a decision: choose “fund” or “do not fund”."),
        },
    )
    note = forms.CharField(
        label=_("Note for the applicants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to the applicants in the outcome letter."),
    )
