from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("inspections/<slug:slug>/", views.tracker, name="tracker"),
]
