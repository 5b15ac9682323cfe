import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor (email)"), required=False, max_length=254)
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=100,
                                  help_text=_("Such as person or institution."))
    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date must be on or after the start date."))
        return data

    def apply(self, entries):
        data = self.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor_label__icontains=data["actor"])
        if data["action"]:
            entries = entries.filter(action__icontains=data["action"])
        if data["object_type"]:
            entries = entries.filter(content_type__model__iexact=data["object_type"].strip())
        tz = timezone.get_current_timezone()
        if data["since"]:
            entries = entries.filter(
                created_at__gte=dt.datetime.combine(data["since"], dt.time.min, tzinfo=tz))
        if data["until"]:
            entries = entries.filter(created_at__lt=dt.datetime.combine(
                data["until"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
        return entries



