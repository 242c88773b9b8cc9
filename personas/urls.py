from django.urls import path

from personas import views

app_name = "personas"
urlpatterns = [
    path("start/", views.start, name="start"),
    path("start/<slug:slug>/", views.question_view, name="question"),
    path("people-like-you/", views.result, name="result"),
    path("people-like-you/others/", views.others, name="others"),
]
