from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from plans import views as plan_views
from ui import forms
from ui import views as ui_views

auth_patterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=forms.SignInForm, redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-change/", auth_views.PasswordChangeView.as_view(form_class=forms.PasswordChangeForm),
         name="password_change"),
    path("password-change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password-reset/", auth_views.PasswordResetView.as_view(form_class=forms.PasswordResetForm),
         name="password_reset"),
    path("password-reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(form_class=forms.SetPasswordForm),
         name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

admin.site.site_header = "Children's Services Improvement Tracker: administration"
admin.site.site_title = "Improvement Tracker admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("account/", include(auth_patterns)),
    path("session/keep-alive/", ui_views.keep_alive, name="session_keep_alive"),
    path("accessibility/", ui_views.accessibility, name="accessibility"),
    path("privacy/", ui_views.privacy, name="privacy"),
    path("", plan_views.home, name="home"),
    path("", include("plans.urls")),
    path("", include("governance.urls")),
    path("", include("inspections.urls")),
]
