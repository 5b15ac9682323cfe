"""Forms of the application steps. They keep what was typed: limits that the draft may exceed
(word counts) are reported after saving, never by throwing the text away."""

from decimal import Decimal

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from jumelage.calls.models import Application, BudgetCategory, DocumentKind, Participant
from jumelage.calls.services.applications import count_words
from jumelage.calls.services.applications.common import LONG_TEXT_LIMIT
from jumelage.directory.models import Institution, Pole


class ProjectForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(
        label=capfirst(Application._meta.get_field("title").verbose_name),
        max_length=300,
        required=False,
    )
    acronym = forms.CharField(label=_("Acronym"), max_length=40, required=False)
    language = forms.ChoiceField(
        label=_("Language of the application"),
        choices=Application.Language.choices,
        help_text=_("The abstract and description may be written in French or in English."),
    )
    abstract = forms.CharField(
        label=_("Abstract"), required=False, max_length=LONG_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 8})
    )
    description = forms.CharField(
        label=_("Project description"), required=False, max_length=LONG_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 16})
    )
    keywords = forms.CharField(
        label=_("Keywords"), required=False, max_length=500, help_text=_("Separated by commas.")
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple
    )
    duration_months = forms.IntegerField(
        label=_("Duration (months)"),
        required=False,
        min_value=1,
        max_value=120,
        error_messages={"invalid": _("Give the duration as a whole number of months, such as 24.")},
    )

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        call = application.call
        self.fields["themes"].queryset = call.themes.all()
        self.fields["abstract"].help_text = _("At most %(limit)d words.") % {
            "limit": call.abstract_word_limit
        }
        self.fields["description"].help_text = _("At most %(limit)d words.") % {
            "limit": call.description_word_limit
        }
        self.fields["duration_months"].help_text = _("From %(min)d to %(max)d months.") % {
            "min": call.min_duration_months,
            "max": call.max_duration_months,
        }

    @staticmethod
    def initial_for(application: Application) -> dict:
        return {
            "version": application.version,
            "title": application.title,
            "acronym": application.acronym,
            "language": application.language,
            "abstract": application.abstract,
            "description": application.description,
            "keywords": ", ".join(application.keywords),
            "themes": list(application.themes.all()),
            "duration_months": application.duration_months,
        }

    def changes(self) -> dict:
        """What validated, ready for save_draft (invalid fields are left as they were)."""
        data = getattr(self, "cleaned_data", {})
        changes = {name: data[name] for name in data if name != "version"}
        if "keywords" in changes:
            changes["keywords"] = [k.strip() for k in changes["keywords"].split(",") if k.strip()]
        return changes

    def add_limit_errors(self) -> None:
        """Word limits: the draft is saved, but the person is told at once."""
        call = self.application.call
        for name, limit in (
            ("abstract", call.abstract_word_limit),
            ("description", call.description_word_limit),
        ):
            words = count_words(self.data.get(name, ""))
            if words > limit and name not in self.errors:
                self.add_error(
                    name,
                    _(
                        "%(count)d words: the call accepts at most %(limit)d. "
                        "Your text is saved; shorten it before submitting."
                    )
                    % {"count": words, "limit": limit},
                )
        duration = (
            self.cleaned_data.get("duration_months") if hasattr(self, "cleaned_data") else None
        )
        if (
            duration
            and not call.min_duration_months <= duration <= call.max_duration_months
            and "duration_months" not in self.errors
        ):
            self.add_error(
                "duration_months",
                _("%(value)d months: the call accepts %(min)d to %(max)d months.")
                % {
                    "value": duration,
                    "min": call.min_duration_months,
                    "max": call.max_duration_months,
                },
            )


class InviteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Participant.Role.choices)
    pole = forms.ModelChoiceField(
        label=_("Side (funding pole)"),
        queryset=Pole.objects.none(),
        required=False,
        empty_label=_("outside both poles"),
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"), required=False, queryset=Institution.objects.none()
    )

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        pole_ids = application.call.envelopes.values_list("pole_id", flat=True)
        self.fields["pole"].queryset = Pole.objects.filter(pk__in=pole_ids)
        self.fields["institution"].queryset = Institution.objects.order_by("name_fr")
        self.fields["pole"].error_messages["invalid_choice"] = _(
            "Choose one of the funding poles of the call, or outside both poles."
        )


class BudgetForm(forms.Form):
    """Both sides at once; amounts are text so that a mistyped one comes back as typed."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.envelopes = list(
            application.call.envelopes.select_related("pole").order_by("pole__code")
        )
        for envelope in self.envelopes:
            for value, label in BudgetCategory.choices:
                self.fields[self.field_name(envelope.pole, value)] = forms.CharField(
                    label=_("%(category)s (%(currency)s)")
                    % {"category": str(label).capitalize(), "currency": envelope.currency},
                    required=False,
                    max_length=30,
                    widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                )
            self.fields[self.field_name(envelope.pole, "total")] = forms.CharField(
                required=False, widget=forms.HiddenInput
            )

    @staticmethod
    def field_name(pole, category: str) -> str:
        return f"{pole.code}-{category}"

    @classmethod
    def initial_for(cls, application: Application) -> dict:
        initial = {"version": application.version}
        for line in application.budget_lines.select_related("pole"):
            initial[cls.field_name(line.pole, line.category)] = f"{line.amount:.2f}"
        return initial

    def sides(self) -> list[dict]:
        saved: dict[int, Decimal] = {}
        for line in self.application.budget_lines.all():
            saved[line.pole_id] = saved.get(line.pole_id, Decimal("0")) + line.amount
        return [
            {
                "envelope": envelope,
                "saved_total": saved.get(envelope.pole_id, Decimal("0")),
                "fields": [
                    self[self.field_name(envelope.pole, value)] for value in BudgetCategory.values
                ],
                "total": self[self.field_name(envelope.pole, "total")],
            }
            for envelope in self.envelopes
        ]

    def lines_for(self, pole) -> dict:
        return {
            value: (self.data.get(self.add_prefix(self.field_name(pole, value))) or "").strip()
            for value in BudgetCategory.values
        }


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("PDF file"))

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("A PDF of at most %(limit)d MB.") % {
            "limit": application.call.max_attachment_mb
        }
        self.fields["file"].widget.attrs["accept"] = "application/pdf,.pdf"


class AmendForm(forms.Form):
    """What staff may change in a submitted application, and why (kept in the audit log)."""

    # The same fields as the project step (labels, limits), without the ones staff keep.
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = ProjectForm.base_fields["title"]
    abstract = ProjectForm.base_fields["abstract"]
    description = ProjectForm.base_fields["description"]
    keywords = ProjectForm.base_fields["keywords"]
    duration_months = ProjectForm.base_fields["duration_months"]
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the application is amended; kept in the audit log with the changes."),
        error_messages={
            "required": _(
                "Say why the application is amended: the justification is kept in the audit log."
            )
        },
    )

    FIELDS = ("title", "abstract", "description", "keywords", "duration_months")

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application

    @classmethod
    def initial_for(cls, application: Application) -> dict:
        initial = ProjectForm.initial_for(application)
        return {name: initial[name] for name in ("version", *cls.FIELDS)}

    def changes(self) -> dict:
        """The fields whose value differs from the stored one, ready for amend_application."""
        data = self.cleaned_data
        current = self.initial_for(self.application)
        changes = {name: data[name] for name in self.FIELDS if data[name] != current[name]}
        if "keywords" in changes:
            changes["keywords"] = [k.strip() for k in changes["keywords"].split(",") if k.strip()]
        return changes


class IntentsForm(forms.Form):
    """Choose submitted letters of intent of a call, then invite or decline them."""

    applications = forms.ModelMultipleChoiceField(
        label=_("Letters of intent"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one letter of intent."),
            "invalid_choice": _(
                "%(value)s is not a submitted letter of intent of this call waiting for an "
                "answer: reload the page and choose again."
            ),
        },
    )
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            ("invite", _("Invite to a full proposal")),
            ("decline", _("Decline")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose to invite or to decline.")},
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = queryset
