"""The JSON API, version 1."""

from ninja import NinjaAPI

api = NinjaAPI(title="Jumelage", version="1", urls_namespace="api-v1")
