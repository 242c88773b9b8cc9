from django.urls import path

from mentors import views

app_name = "mentors"
urlpatterns = [
    path("become-a-helper/", views.become, name="become"),
    path("mentor/", views.dashboard, name="dashboard"),
    path("mentor/about-me/", views.profile, name="profile"),
    path("mentor/invites/", views.invites, name="invites"),
    path("mentor/invites/<int:invite_id>/", views.invite, name="invite"),
    path("mentor/invites/<int:invite_id>/card/", views.invite_card, name="invite_card"),
    path("mentor/invites/<int:invite_id>/stop/", views.invite_revoke, name="invite_revoke"),
    path("mentor/people/<int:mentorship_id>/note/", views.nudge, name="nudge"),
    path("join/<str:token>/", views.join, name="join"),
    path("p/<str:key>/helper/", views.share_choice, name="share_choice"),
    path(
        "p/<str:key>/helper/<int:mentorship_id>/sharing/",
        views.set_sharing,
        name="set_sharing",
    ),
]
