"""The evaluation criteria of a call: a formset of criteria with their names and weights."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jumelage.calls.models import Call, Criterion


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
