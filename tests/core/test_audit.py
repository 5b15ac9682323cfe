import pytest
from django.contrib.contenttypes.models import ContentType
from tests.factories import InstitutionFactory, ThemeFactory, UserFactory

from jumelage.core import audit
from jumelage.core.models import AuditEntry
from jumelage.directory.models import Institution

pytestmark = pytest.mark.django_db


def test_diff_lists_only_changed_fields():
    before = {"name_fr": "A", "city": "Lyon", "country": "FR"}
    after = {"name_fr": "B", "city": "Lyon", "country": "FR", "acronym": "X"}
    assert audit.diff(before, after) == {"acronym": [None, "X"], "name_fr": ["A", "B"]}


def test_snapshot_includes_many_to_many_ids_and_skips_password():
    user = UserFactory(email="a@example.org")
    snap = audit.snapshot(user, ["email", "password", "groups"])
    assert snap == {"email": "a@example.org", "groups": []}
    institution = InstitutionFactory(name_fr="Parent")
    child = InstitutionFactory(name_fr="Enfant")
    child.parents.add(institution)
    assert audit.snapshot(child, ["name_fr", "parents"]) == {
        "name_fr": "Enfant", "parents": [institution.pk]}


def test_record_stores_actor_object_diff_and_request_ip(rf):
    from jumelage.core.middleware import RequestContextMiddleware

    user = UserFactory(email="staff@example.org")
    institution = InstitutionFactory(name_fr="Centre Léon Bérard", name_en="Centre Léon Bérard")

    def view(request):
        audit.record(actor=user, action="directory.institution.update", obj=institution,
                     changes={"city": ["Lyon", "Lyon 8e"]})
        return None

    request = rf.get("/", REMOTE_ADDR="192.0.2.7")
    request.user = user
    RequestContextMiddleware(view)(request)
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_label, entry.action, entry.object_id, entry.object_label,
            entry.changes, entry.ip_address) == (
        user, "staff@example.org", "directory.institution.update", str(institution.pk),
        "Centre Léon Bérard", {"city": ["Lyon", "Lyon 8e"]},
        "192.0.2.7")
    assert entry.content_type == ContentType.objects.get_for_model(Institution)


def test_record_without_actor_is_the_system():
    theme = ThemeFactory(code="cell-therapy")
    entry = audit.record(actor=None, action="demo.seed", obj=theme)
    assert (entry.actor_id, entry.actor_label, entry.ip_address) == (None, "system", None)


def test_audit_entries_cannot_be_changed_or_deleted():
    entry = audit.record(actor=None, action="x", obj=None, label="nothing")
    entry.action = "y"
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().action == "x"
