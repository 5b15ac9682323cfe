from django.urls import path

from jumelage.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.directory, name="index"),
    path("people/<int:pk>/", views.person, name="person"),
    path("teams/<int:pk>/", views.team, name="team"),
    path("institutions/<int:pk>/", views.institution, name="institution"),
    path("my-profile/", views.edit_profile, name="edit_profile"),
]
