import datetime as dt

from django.conf import settings
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rules.contrib.views import permission_required

from jumelage.core.forms import AuditFilterForm
from jumelage.core.models import AuditEntry
from jumelage.directory.models import Institution, Person, Pole, Team, Theme

AGREEMENT_SIGNED_ON = dt.date(2018, 3, 8)


def home(request):
    poles = Pole.objects.annotate(member_count=Count("institutions"))
    themes = Theme.objects.all()
    return render(request, "core/home.html", {
        "poles": poles,
        "signed_on": AGREEMENT_SIGNED_ON,
        "themes": [t for t in themes if t.kind == Theme.Kind.THEME],
        "priorities": [t for t in themes if t.kind == Theme.Kind.PRIORITY],
        "counts": {
            "institutions": Institution.objects.filter(pole__isnull=False).count(),
            "teams": Team.objects.count(),
            "people": Person.objects.filter(public_profile=True).count(),
        },
    })


def privacy(request):
    return render(request, "core/privacy.html", {"retention": settings.JUMELAGE_RETENTION})


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@permission_required("core.view_auditentry", raise_exception=True)
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("content_type").order_by("-created_at", "-pk")
    if form.is_valid():
        entries = form.apply(entries)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_log.html", {
        "form": form, "page": page, "base_query": query.urlencode()})
