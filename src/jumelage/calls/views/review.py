"""Views of joint calls: review."""

urlpatterns = []
