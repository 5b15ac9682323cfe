"""Forms of call set-up: the call itself, one envelope row per pole and the criteria.

Opening and closing times are typed in the time of one of the poles (chosen on the form) and
stored in UTC; a time that does not exist there (the hour skipped when clocks go forward) is
refused with a message.
"""

from jumelage.calls.forms.setup.call import (
    INPUT_FORMAT,
    TIME_ZONES,
    ZONED_FIELDS,
    CallForm,
    LocalDateTimeField,
)
from jumelage.calls.forms.setup.criterion import (
    BaseCriterionFormSet,
    CriterionForm,
    CriterionFormSet,
    criterion_formset,
)
from jumelage.calls.forms.setup.envelope import EnvelopeForm, EnvelopeRows

__all__ = [
    "INPUT_FORMAT",
    "TIME_ZONES",
    "ZONED_FIELDS",
    "BaseCriterionFormSet",
    "CallForm",
    "CriterionForm",
    "CriterionFormSet",
    "EnvelopeForm",
    "EnvelopeRows",
    "LocalDateTimeField",
    "criterion_formset",
]
