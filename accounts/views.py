"""The one account page of our own: deleting the account. allauth does the rest."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.http import AuthenticatedHttpRequest


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, "Tick the box to say you are sure, then press Delete.")
            return redirect("account_delete")
        user = request.user
        logout(request)  # this browser's session goes first, then every other
        services.user_delete(user=user)
        return render(request, "account/deleted.html")
    plans = request.user.plans.count()
    return render(request, "account/delete.html", {"plan_count": plans})
