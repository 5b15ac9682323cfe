from django.urls import path

from jumelage.observatory import review_views as views

app_name = "observatory_review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("correct/", views.correct, name="correct"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/<int:pk>/undo/", views.undo, name="undo"),
]
