"""Mentor pages, invite links and the person's choice to share.

Every view that takes an id or key checks access in one helper; anything a
person may not see is a 404, never a hint that it exists.
"""

from datetime import timedelta
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from mentors import selectors, services
from mentors.forms import InviteForm, MentorProfileForm, NudgeForm
from mentors.models import Invite, MentorProfile, Mentorship
from plans import makers
from plans.views import _get_plan_for_request

INVITE_SESSION_KEY = "mentor_invite_id"
AFTER_PLAN_SESSION_KEY = "after_plan_url_name"
NEW_TOKENS_SESSION_KEY = "mentor_new_invite_tokens"
MAX_TOKEN_LENGTH = 100
NEW_TOKEN_SHOWN_FOR = timedelta(days=1)


def _get_mentor_for_request(request: HttpRequest) -> MentorProfile | None:
    if not request.user.is_authenticated:
        return None
    return MentorProfile.objects.filter(user=request.user).first()


def _get_invite_for_request(request: HttpRequest, invite_id: int) -> Invite:
    mentor = _get_mentor_for_request(request)
    invite = Invite.objects.filter(pk=invite_id, mentor=mentor).first() if mentor else None
    if invite is None:
        raise Http404("No such invite")
    return invite


def _get_shared_mentorship_for_request(request: HttpRequest, mentorship_id: int) -> Mentorship:
    """A mentorship the signed-in mentor may see: only while the person shares."""
    mentor = _get_mentor_for_request(request)
    mentorship = (
        Mentorship.objects.filter(
            pk=mentorship_id, mentor=mentor, share_progress=True, ended_at__isnull=True
        )
        .select_related("invite", "plan")
        .first()
        if mentor
        else None
    )
    if mentorship is None:
        raise Http404("No such person")
    return mentorship


def _get_plan_mentorship_for_request(
    request: HttpRequest, key: str, mentorship_id: int, *, to_share: bool
) -> Mentorship:
    """A helper of this plan whose sharing this viewer may change: the owner of
    a saved plan, or the maker of an unsaved one (plans.makers). On an unsaved
    plan anyone with the link may also stop sharing, the safe way, so a maker
    who has lost the session that built it can still stop it."""
    plan = _get_plan_for_request(request, key)
    mentorship = (
        Mentorship.objects.filter(pk=mentorship_id, plan=plan, ended_at__isnull=True)
        .select_related("mentor")
        .first()
    )
    may_change = makers.may_manage(request, plan) or (plan.owner_id is None and not to_share)
    if mentorship is None or not may_change:
        raise Http404("No such plan")
    if request.user.is_authenticated and mentorship.mentor.user_id == request.user.pk:
        # Consent is the person's alone, even on an unsaved plan the mentor can open.
        raise Http404("No such plan")
    return mentorship


def _need_profile(request: HttpRequest) -> HttpResponse:
    # The page says "first, tell people a little about you" itself: right
    # after signing in, one message ("You are signed in") is enough.
    return redirect("mentors:profile")


def _invite_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("mentors:join", args=[token]))


def _new_token(request: HttpRequest, invite: Invite) -> str | None:
    """The link is shown only in the session that made it, for a day: the database keeps a hash."""
    if invite.created_at < timezone.now() - NEW_TOKEN_SHOWN_FOR:
        return None
    return request.session.get(NEW_TOKENS_SESSION_KEY, {}).get(str(invite.pk))


# --- The mentor's own pages ------------------------------------------------


@require_GET
def become(request: HttpRequest) -> HttpResponse:
    """What a helper does, for anyone, before any sign-in form."""
    dashboard = reverse("mentors:dashboard")
    return render(
        request,
        "mentors/become.html",
        {
            "dashboard_url": dashboard,
            "sign_in_url": f"{reverse('account_login')}?{urlencode({'next': dashboard})}",
        },
    )


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    mentor = _get_mentor_for_request(request)
    if mentor is None:
        return _need_profile(request)
    people = selectors.shared_people_for_mentor(mentor=mentor)
    return render(
        request,
        "mentors/dashboard.html",
        {"mentor": mentor, "people": people, "nudge_form": NudgeForm()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    mentor = _get_mentor_for_request(request)
    if request.method == "POST":
        form = MentorProfileForm(request.POST)
        if form.is_valid():
            services.mentor_profile_save(user=request.user, **form.cleaned_data)
            messages.success(request, _("Thank you. Your story is saved."))
            return redirect("mentors:dashboard")
    else:
        initial = (
            {
                "display_name": mentor.display_name,
                "what_i_do": mentor.what_i_do,
                "mistake_i_made": mentor.mistake_i_made,
            }
            if mentor
            else {}
        )
        form = MentorProfileForm(initial=initial)
    return render(request, "mentors/profile.html", {"form": form, "mentor": mentor})


@never_cache  # shows a one-time invite link
@login_required
@require_http_methods(["GET", "POST"])
def invites(request: AuthenticatedHttpRequest) -> HttpResponse:
    mentor = _get_mentor_for_request(request)
    if mentor is None:
        return _need_profile(request)
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invite, token = services.invite_create(mentor=mentor, **form.cleaned_data)
        except services.MentorError as error:
            form.add_error(None, str(error))
        else:
            tokens = dict(request.session.get(NEW_TOKENS_SESSION_KEY, {}))
            tokens[str(invite.pk)] = token
            request.session[NEW_TOKENS_SESSION_KEY] = dict(list(tokens.items())[-5:])
            messages.success(request, _("Your invite link is ready."))
            return redirect("mentors:invite", invite_id=invite.pk)
    return render(
        request,
        "mentors/invites.html",
        {"form": form, "mentor": mentor, "invites": mentor.invites.all()},
    )


def _invite_context(request: HttpRequest, invite: Invite) -> dict[str, object]:
    # A link that no longer works is never shown again, nor its QR code.
    token = _new_token(request, invite) if invite.get_state() == Invite.State.ACTIVE else None
    url = _invite_url(request, token) if token else ""
    # An SVG made here, inline in the page as a data: URI: no extra request, nothing unescaped.
    qr_data_uri = segno.make(url, error="m").svg_data_uri(scale=5, light="#fff") if url else ""
    return {"invite": invite, "url": url, "qr_data_uri": qr_data_uri, "mentor": invite.mentor}


@never_cache  # shows a one-time invite link
@login_required
@require_GET
def invite(request: AuthenticatedHttpRequest, invite_id: int) -> HttpResponse:
    invite = _get_invite_for_request(request, invite_id)
    return render(request, "mentors/invite.html", _invite_context(request, invite))


@never_cache  # shows a one-time invite link
@login_required
@require_GET
def invite_card(request: AuthenticatedHttpRequest, invite_id: int) -> HttpResponse:
    invite = _get_invite_for_request(request, invite_id)
    return render(request, "mentors/invite_card.html", _invite_context(request, invite))


@login_required
@require_POST
def invite_revoke(request: AuthenticatedHttpRequest, invite_id: int) -> HttpResponse:
    invite = _get_invite_for_request(request, invite_id)
    services.invite_revoke(invite=invite)
    messages.success(
        request,
        _("The invite for %(label)s is stopped. The link won't work now.")
        % {"label": invite.label},
    )
    return redirect("mentors:invites")


@login_required
@require_POST
def nudge(request: AuthenticatedHttpRequest, mentorship_id: int) -> HttpResponse:
    mentorship = _get_shared_mentorship_for_request(request, mentorship_id)
    form = NudgeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            # The stubs type an item as a ValidationError, but ErrorList returns its message.
            messages.error(request, errors[0])  # type: ignore[arg-type]
            break
        return redirect(f"{reverse('mentors:dashboard')}#person-{mentorship.pk}")
    try:
        services.nudge_send(mentorship=mentorship, message=form.cleaned_data["message"])
    except services.MentorError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your note is sent. They will see it on their plan."))
    return redirect(f"{reverse('mentors:dashboard')}#person-{mentorship.pk}")


# --- The invited person ----------------------------------------------------


def _find_invite(token: str) -> Invite | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return (
        Invite.objects.filter(token_hash=services.token_hash(token))
        .select_related("mentor")
        .first()
    )


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    invite = _find_invite(token)
    if invite is None or invite.get_state() != Invite.State.ACTIVE:
        return render(request, "mentors/join_unavailable.html", status=410)
    if request.method == "POST":
        request.session[INVITE_SESSION_KEY] = invite.pk
        request.session[AFTER_PLAN_SESSION_KEY] = "mentors:share_choice"
        return redirect("personas:start")
    return render(request, "mentors/join.html", {"mentor": invite.mentor})


@require_http_methods(["GET", "POST"])
def share_choice(request: HttpRequest, key: str) -> HttpResponse:
    plan = _get_plan_for_request(request, key)
    invite_id = request.session.get(INVITE_SESSION_KEY)
    invite = (
        Invite.objects.filter(pk=invite_id).select_related("mentor").first() if invite_id else None
    )
    if invite is None or not makers.may_manage(request, plan):
        return redirect(plan)
    if request.method == "POST":
        share = request.POST.get("share") == "on"
        request.session.pop(INVITE_SESSION_KEY, None)
        try:
            services.invite_use(invite_id=invite.pk, plan=plan, share_progress=share)
        except services.MentorError as error:
            messages.info(request, str(error))
        else:
            name = invite.mentor.display_name
            if share:
                messages.success(
                    request, _("You are sharing your progress with %(name)s.") % {"name": name}
                )
            else:
                messages.success(
                    request,
                    _(
                        "You are not sharing your progress. You can share it with %(name)s "
                        "later from your plan."
                    )
                    % {"name": name},
                )
        return redirect(plan)
    return render(
        request,
        "mentors/share_choice.html",
        {
            "plan": plan,
            "mentor": invite.mentor,
            "careful": plan.someone_close_is_a_worry,
        },
    )


@require_POST
def set_sharing(request: HttpRequest, key: str, mentorship_id: int) -> HttpResponse:
    choice = request.POST.get("share")
    share = choice == "on"
    mentorship = _get_plan_mentorship_for_request(request, key, mentorship_id, to_share=share)
    if choice not in {"on", "off"}:
        messages.error(request, _("That did not work. Please use the button again."))
        return redirect(mentorship.plan)
    services.mentorship_set_sharing(mentorship=mentorship, share=share)
    name = mentorship.mentor.display_name
    if share:
        messages.success(
            request, _("You are sharing your progress with %(name)s.") % {"name": name}
        )
    else:
        messages.success(
            request,
            _("You have stopped sharing. %(name)s can't see your plan now.") % {"name": name},
        )
    return redirect(mentorship.plan)
