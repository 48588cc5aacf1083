from django.urls import path

from . import views
from .views.dashboard import dashboard
from .views.feed import position_feed
from .views.measures import enter_value, measure_detail, vital_signs, vital_signs_download
from .views.milestones import milestone_outcome
from .views.register import register, register_csv, register_xlsx

app_name = "plans"
urlpatterns = [
    path("my-actions/", views.my_actions, name="my_actions"),
    path("register/", register, name="register"),
    path("register/export.csv", register_csv, name="register_csv"),
    path("register/export.xlsx", register_xlsx, name="register_xlsx"),
    path("api/plans/<slug:slug>/position/", position_feed, name="position_feed"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan"),
    path("plans/<slug:slug>/approve/", views.approve, name="approve"),
    path("plans/<slug:slug>/export.<str:fmt>", views.export, name="export"),
    path("plans/<slug:slug>/dashboard/", dashboard, name="dashboard"),
    path("plans/<slug:slug>/vital-signs/", vital_signs, name="vital_signs"),
    path("plans/<slug:slug>/vital-signs.csv", vital_signs_download, {"fmt": "csv"}, name="vital_signs_csv"),
    path("plans/<slug:slug>/vital-signs.xlsx", vital_signs_download, {"fmt": "xlsx"}, name="vital_signs_xlsx"),
    path("measures/<int:pk>/", measure_detail, name="measure"),
    path("measures/<int:pk>/values/new/", enter_value, name="measure_value"),
    path("themes/<int:pk>/", views.theme_detail, name="theme"),
    path("themes/<int:pk>/impact/new/", views.record_impact, name="impact"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/update/", views.update_progress, name="update"),
    path("milestones/<int:pk>/outcome/", milestone_outcome, name="milestone_outcome"),
]
