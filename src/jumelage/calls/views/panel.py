"""Views of joint calls: panel."""

urlpatterns = []
