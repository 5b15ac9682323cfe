"""Views of joint calls: setup."""

urlpatterns = []
