from django.urls import path, re_path

from jumelage.observatory import download_views, views

app_name = "observatory"
urlpatterns = [
    path("", views.report, name="report"),
    path("works/", views.works, name="works"),
    re_path(r"^export/(?P<table>[a-z-]+)\.(?P<fmt>csv|xlsx)$", download_views.export,
            name="export"),
    re_path(r"^network/(?P<kind>institutions|authors)\.(?P<fmt>gexf|graphml|net|vosviewer\.zip)$",
            download_views.network_export, name="network"),
]
