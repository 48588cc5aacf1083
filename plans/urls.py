from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("my-actions/", views.my_actions, name="my_actions"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan"),
    path("plans/<slug:slug>/export.<str:fmt>", views.export, name="export"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/update/", views.update_progress, name="update"),
]
