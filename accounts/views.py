"""Our own account pages: deleting the account, and allauth's "type your
code" page where an empty box is no try. allauth does the rest."""

from typing import Any

from allauth.account.views import ConfirmLoginCodeView
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.generic.edit import FormView

from accounts import services
from accounts.http import AuthenticatedHttpRequest


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to say you are sure, then press Delete."))
            return redirect("account_delete")
        user = request.user
        logout(request)  # this browser's session goes first, then every other
        services.user_delete(user=user)
        return render(request, "account/deleted.html")
    plans = request.user.plans.count()
    return render(request, "account/delete.html", {"plan_count": plans})


class EnterCodeView(ConfirmLoginCodeView):
    """allauth's page for the emailed code, where pressing "Sign in" with the
    box empty is not a try: the page asks for the code again and only codes
    typed count towards the tries (ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS)."""

    def form_invalid(self, form: Any) -> HttpResponse:
        typed = str(form.data.get("code", "")).strip()
        if not typed:
            # FormView's own: the page again with "Please type the code".
            return FormView.form_invalid(self, form)
        response: HttpResponse = super().form_invalid(form)
        return response


confirm_login_code = EnterCodeView.as_view()
