"""Views of joint calls: followup."""

urlpatterns = []
