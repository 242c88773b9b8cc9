from django.urls import path

from plans import code_views, reminder_views, views

app_name = "plans"
urlpatterns = [
    path("plans/new/", views.create, name="create"),
    path("plans/", views.my_plans, name="mine"),
    path("p/<str:key>/", views.detail, name="detail"),
    path("p/<str:key>/steps/<slug:slug>/", views.mark, name="mark"),
    path("p/<str:key>/slower/", views.slow_down, name="slow_down"),
    path("p/<str:key>/save/", views.save, name="save"),
    path("p/<str:key>/link/", views.set_link, name="set_link"),
    path("p/<str:key>/low-key/", views.set_low_key, name="set_low_key"),
    path("p/<str:key>/region/", views.set_region, name="set_region"),
    path("p/<str:key>/link/new/", code_views.new_link, name="new_link"),
    path("p/<str:key>/code/", code_views.code_new, name="code_new"),
    path("code/", code_views.code_enter, name="code_enter"),
    path("forget/", code_views.forget_device, name="forget_device"),
    path("p/<str:key>/delete/", views.delete, name="delete"),
    path("p/<str:key>/my-data.json", views.export, name="export"),
    path("p/<str:key>/my-plan.txt", views.export_text, name="export_text"),
    path("p/<str:key>/plan.pdf", views.plan_pdf, name="pdf"),
    path("plans/deleted/", views.deleted, name="deleted"),
    path("p/<str:key>/reminders/", reminder_views.reminder_settings, name="reminders"),
    path("p/<str:key>/calendar/new/", reminder_views.calendar_new_link, name="calendar_new_link"),
    path(
        "p/<str:key>/calendar/<str:feed_key>.ics",
        reminder_views.calendar_feed,
        name="calendar_feed",
    ),
    path("reminders/<str:token>/", reminder_views.reminder_link, name="reminder_link"),
    path(
        "reminders/<str:token>/stop/",
        reminder_views.reminder_unsubscribe,
        name="reminder_unsubscribe",
    ),
]
