from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from jumelage.accounts.forms import PreferencesForm
from jumelage.accounts.models import User
from jumelage.accounts.services import update_preferences


@login_required
def preferences(request):
    working_copy = User.objects.get(pk=request.user.pk)
    form = PreferencesForm(request.POST or None, instance=working_copy)
    if request.method == "POST" and form.is_valid():
        update_preferences(user=request.user, actor=request.user, **form.cleaned_data)
        language = form.cleaned_data["language"]
        with translation.override(language):
            messages.success(request, _("Your preferences have been saved."))
            response = redirect(reverse("account_preferences"))
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language,
                            samesite="Lax", max_age=365 * 24 * 3600)
        return response
    return render(request, "accounts/preferences.html", {"form": form})
