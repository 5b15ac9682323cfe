"""The envelopes of a call: one row per pole of the partnership, saying whether the pole funds
the call and, if so, its envelope, maximum request and exchange rate."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jumelage.calls.models import Call
from jumelage.calls.services.setup import MIN_FUNDING_POLES
from jumelage.core.formatting import format_money
from jumelage.directory.models import Pole


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
