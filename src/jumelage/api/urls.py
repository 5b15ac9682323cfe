"""The JSON API, version 1 (django-ninja): the same permission rules as the pages."""

from django.urls import path

from jumelage.api.v1 import api

urlpatterns = [path("v1/", api.urls)]
