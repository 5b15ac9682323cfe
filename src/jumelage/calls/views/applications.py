"""Views of joint calls: applications."""

urlpatterns = []
