"""Views of joint calls: eligibility (staff), the review progress board (staff), a reviewer's
list of reviews, the review form and the declaration of a conflict of interest.

A reviewer sees only their own review: never the other reviewers' names, scores or
confidential comments. A reviewer who declared a conflict sees nothing of the application.
"""

from django.urls import path

from jumelage.calls.views.review.board import review_board, review_remind, review_sync
from jumelage.calls.views.review.eligibility import (
    eligibility,
    eligibility_notify,
    eligibility_override,
    eligibility_run,
)
from jumelage.calls.views.review.reviewer import declare_conflict, my_reviews, review

urlpatterns = [
    path("<int:pk>/eligibility/", eligibility, name="eligibility"),
    path("<int:pk>/eligibility/run/", eligibility_run, name="eligibility_run"),
    path("<int:pk>/eligibility/notify/", eligibility_notify, name="eligibility_notify"),
    path("applications/<int:pk>/eligibility/", eligibility_override, name="eligibility_override"),
    path("<int:pk>/review/", review_board, name="review_board"),
    path("<int:pk>/review/sync/", review_sync, name="review_sync"),
    path("<int:pk>/review/remind/", review_remind, name="review_remind"),
    path("reviews/", my_reviews, name="my_reviews"),
    path("applications/<int:pk>/review/", review, name="review"),
    path("applications/<int:pk>/conflict/", declare_conflict, name="declare_conflict"),
]
