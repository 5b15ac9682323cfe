"""Panel notes on an application."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jumelage.calls.models import Application, PanelNote
from jumelage.calls.services.permissions import require_manager
from jumelage.core import audit


@transaction.atomic
def add_panel_note(*, application: Application, text: str, actor) -> PanelNote:
    require_manager(actor, application.call)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the note: an empty panel note is not kept.")]})
    note = PanelNote.objects.create(application=application, author=actor, text=text)
    audit.record(
        actor=actor,
        action="calls.panel_note.add",
        obj=application,
        changes={"panel_note": [None, note.pk]},
    )
    return note
