from django.urls import path

from jumelage.matching import partner_views, views

app_name = "matching"

urlpatterns = [
    path("partners/", partner_views.find_partner, name="partners"),
    path("exercises/", views.exercise_list, name="exercises"),
    path("exercises/<int:pk>/", views.exercise_detail, name="exercise"),
    path("exercises/<int:pk>/run/", views.run_solver, name="run"),
    path("exercises/<int:pk>/settings/", views.exercise_settings, name="settings"),
    path("exercises/<int:pk>/pool/", views.pool, name="pool"),
    path("exercises/<int:pk>/items/<int:item_pk>/", views.item_detail, name="item"),
    path("exercises/<int:pk>/items/<int:item_pk>/assign/", views.assign, name="assign"),
    path("assignments/<int:pk>/remove/", views.remove, name="remove"),
    path("assignments/<int:pk>/swap/", views.swap, name="swap"),
]
