from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("plans/new/", views.create, name="create"),
    path("plans/", views.my_plans, name="mine"),
    path("p/<str:key>/", views.detail, name="detail"),
    path("p/<str:key>/steps/<slug:slug>/", views.mark, name="mark"),
    path("p/<str:key>/slower/", views.slow_down, name="slow_down"),
    path("p/<str:key>/save/", views.save, name="save"),
    path("p/<str:key>/link/", views.set_link, name="set_link"),
]
