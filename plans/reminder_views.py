"""Reminders and the calendar feed: the settings page, the links in each
email (a GET shows a page with a button; only the POST changes anything),
the one-click unsubscribe (RFC 8058) and the private ICS feed.

No view here talks to the broker: sending is the beat task's job, so these
pages work when Redis is down.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plans import feed, links, reminders, schedule, services
from plans.catalogue import get_catalogue
from plans.models import Plan, PlanStep, ReminderSettings
from plans.views import _get_plan_for_request

WEEKDAY_CHOICES = list(enumerate(schedule.WEEKDAYS))


class ReminderForm(forms.Form):
    active = forms.BooleanField(required=False)
    weekday = forms.TypedChoiceField(
        choices=WEEKDAY_CHOICES,
        coerce=int,
        error_messages={"invalid_choice": gettext_lazy("Please choose a day from the list.")},
    )
    local_time = forms.TimeField(
        error_messages={
            "required": gettext_lazy("Please choose a time, like 9:00."),
            "invalid": gettext_lazy("Please write the time like 9:00 or 18:30."),
        }
    )
    time_zone = forms.CharField(max_length=64)

    def clean_time_zone(self) -> str:
        name: str = self.cleaned_data["time_zone"].strip()
        if schedule.zone_or_none(name) is None:
            raise ValidationError(_("Please choose your time zone from the list."))
        return name


class ChangeDayForm(ReminderForm):
    active = None  # type: ignore[assignment]
    time_zone = None  # type: ignore[assignment]


def _is_owner(request: HttpRequest, plan: Plan) -> bool:
    return request.user.is_authenticated and plan.owner_id == request.user.pk


def _reminder_context(
    request: HttpRequest, plan: Plan, form: ReminderForm | None = None
) -> dict[str, object]:
    reminder = ReminderSettings.objects.filter(plan=plan).first()
    is_owner = _is_owner(request, plan)
    email = reminders.verified_email_for(plan) if is_owner else None
    if form is None:
        initial = (
            {
                "active": reminder.active,
                "weekday": reminder.weekday,
                "local_time": reminder.local_time.strftime("%H:%M"),
                "time_zone": reminder.time_zone,
            }
            if reminder
            else {
                "active": False,
                "weekday": 0,
                "local_time": "09:00",
                "time_zone": schedule.REGION_TIME_ZONES.get(plan.region, ""),
            }
        )
        form = ReminderForm(initial=initial)
    feed_url = ""
    if reminder is not None:
        path = reverse("plans:calendar_feed", args=[plan.key, reminder.feed_key])
        feed_url = request.build_absolute_uri(path)
    zones: list[tuple[str, str | Promise]] = list(schedule.COMMON_TIME_ZONES.items())
    chosen = form["time_zone"].value() or ""
    if chosen and chosen not in schedule.COMMON_TIME_ZONES and schedule.zone_or_none(chosen):
        zones.insert(0, (chosen, schedule.place_name(chosen)))
    next_local = None
    if reminder is not None and reminder.active and reminder.next_due_at:
        tz = schedule.zone_or_none(reminder.time_zone)
        next_local = reminder.next_due_at.astimezone(tz) if tz else None
    return {
        "plan": plan,
        "low_key": plan.low_key,
        "reminder": reminder,
        "next_local": next_local,
        "is_owner": is_owner,
        "email": email,
        "email_is_safe": reminders.email_is_safe(plan),
        "form": form,
        "weekdays": WEEKDAY_CHOICES,
        "zones": zones,
        # Chosen by the person (not only suggested by the plan's country): the
        # browser's own zone is not put in its place (static/js/timezone.js).
        "zone_chosen": reminder is not None or form.is_bound,
        "feed_url": feed_url,
        "webcal_url": feed_url.replace("https://", "webcal://").replace("http://", "webcal://"),
    }


@never_cache  # shows the private calendar address
@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest, key: str) -> HttpResponse:
    plan = _get_plan_for_request(request, key)
    if request.method == "GET":
        return render(request, "plans/reminders.html", _reminder_context(request, plan))
    if not _is_owner(request, plan):
        raise Http404("No such plan")
    form = ReminderForm(request.POST)
    if not form.is_valid():
        context = _reminder_context(request, plan, form)
        return render(request, "plans/reminders.html", context, status=400)
    try:
        reminder = reminders.reminder_settings_update(
            plan=plan,
            active=form.cleaned_data["active"],
            weekday=form.cleaned_data["weekday"],
            local_time=form.cleaned_data["local_time"],
            time_zone=form.cleaned_data["time_zone"],
        )
    except ValidationError as error:
        for text in error.messages:
            form.add_error(None, text)
        context = _reminder_context(request, plan, form)
        return render(request, "plans/reminders.html", context, status=400)
    if reminder.active:
        text = _(
            "Reminders are on. We will write on %(weekdays)s at %(time)s. "
            "You can stop them at any time."
        )
        messages.success(
            request,
            text
            % {
                "weekdays": schedule.WEEKDAYS_PLURAL[reminder.weekday],
                "time": f"{reminder.local_time:%H:%M}",
            },
        )
    else:
        messages.success(request, _("Reminders are off. We will not email you."))
    return redirect("plans:reminders", key=plan.key)


@require_POST
def calendar_new_link(request: HttpRequest, key: str) -> HttpResponse:
    plan = _get_plan_for_request(request, key)
    had_one = ReminderSettings.objects.filter(plan=plan).exists()
    reminders.reminder_feed_key_change(plan=plan)
    if had_one:
        messages.success(
            request, _("Your calendar has a new address. The old one no longer works.")
        )
    else:
        messages.success(request, _("Your calendar address is ready."))
    return redirect(reverse("plans:reminders", args=[plan.key]) + "#calendar")


@require_GET
def calendar_feed(request: HttpRequest, key: str, feed_key: str) -> HttpResponse:
    reminder = (
        ReminderSettings.objects.select_related("plan")
        .filter(plan__key=key, feed_key=feed_key)
        .first()
    )
    if reminder is None:
        raise Http404("No such calendar")
    response = HttpResponse(
        feed.calendar_feed(plan=reminder.plan), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="little-steps.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Links in the reminder email -------------------------------------------------

ACTION_TEXT = {
    "done": (gettext_lazy("Did you do this week's step?"), gettext_lazy("Yes, I did it")),
    "snooze": (gettext_lazy("Skip this week's reminder?"), gettext_lazy("Yes, not this week")),
    "pause": (
        gettext_lazy("Take a break from reminders for four weeks?"),
        gettext_lazy("Yes, take a break"),
    ),
    "change": (gettext_lazy("Choose a new day and time"), gettext_lazy("Save the new day")),
}


def _bad_link(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/reminder_link_bad.html", status=400)


@require_http_methods(["GET", "POST"])
def reminder_link(request: HttpRequest, token: str) -> HttpResponse:
    action = links.link_read(token)
    if action is None or action.action not in ACTION_TEXT:
        return _bad_link(request)
    plan = action.plan
    reminder = ReminderSettings.objects.filter(plan=plan).first()
    if reminder is None:
        return _bad_link(request)
    step = None
    if action.slug:
        row = PlanStep.objects.filter(plan=plan, slug=action.slug).first()
        if row is not None:
            step = get_catalogue(translation.get_language()).step(row.slug)
    form: forms.Form | None = None
    if action.action == "change":
        form = ChangeDayForm(
            request.POST or None,
            initial={
                "weekday": reminder.weekday,
                "local_time": reminder.local_time.strftime("%H:%M"),
            },
        )
    heading, button = ACTION_TEXT[action.action]
    context = {
        "token": token,
        "action": action.action,
        "heading": heading,
        "button": button,
        "step": step,
        "plan": plan,
        "low_key": plan.low_key,
        "form": form,
        "weekdays": WEEKDAY_CHOICES,
    }
    if request.method == "GET":
        return render(request, "plans/reminder_link.html", context)
    if form is not None and not form.is_valid():
        return render(request, "plans/reminder_link.html", context, status=400)
    done_text = _do_link_action(action, reminder, form)
    return render(request, "plans/reminder_link_done.html", {**context, "done_text": done_text})


def _do_link_action(
    action: links.LinkAction, reminder: ReminderSettings, form: forms.Form | None
) -> str:
    plan = action.plan
    if action.action == "done":
        try:
            services.step_mark(plan=plan, slug=action.slug, status=PlanStep.Status.DONE)
        except services.StepMarkError as error:
            return str(error)
        return _("Well done. That is one more small step behind you.")
    if action.action == "snooze":
        reminders.reminder_snooze(plan=plan, due_at=action.due_at)
        return _("That's fine. We will not remind you this week.")
    if action.action == "pause":
        reminders.reminder_pause(plan=plan)
        return _("Done. No reminders for four weeks. Then they start again by themselves.")
    assert form is not None
    try:
        reminders.reminder_settings_update(
            plan=plan,
            active=reminder.active,
            weekday=form.cleaned_data["weekday"],
            local_time=form.cleaned_data["local_time"],
        )
    except ValidationError as error:
        return " ".join(error.messages)
    return _("Saved. From now on, reminders come on %(weekdays)s at %(time)s.") % {
        "weekdays": schedule.WEEKDAYS_PLURAL[form.cleaned_data["weekday"]],
        "time": f"{form.cleaned_data['local_time']:%H:%M}",
    }


@csrf_exempt  # RFC 8058: mail programs POST here with no cookie; the signed token is the key.
@require_http_methods(["GET", "POST"])
def reminder_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    action = links.link_read(token)
    if action is None or action.action != "stop":
        return _bad_link(request)
    if request.method == "GET":
        return render(request, "plans/reminder_unsubscribe.html", {"token": token, "done": False})
    reminders.reminder_stop(plan=action.plan)
    return render(request, "plans/reminder_unsubscribe.html", {"token": token, "done": True})
