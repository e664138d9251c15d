from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from successdesk.accounts import views as accounts
from successdesk.api.base import api
from successdesk.intake import views as intake

from .health import healthz

urlpatterns = [
    path("", accounts.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("login/", accounts.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("help/", intake.help_page, name="help"),
    path("help/confirm/<str:token>/", intake.help_confirm, name="help_confirm"),
    path("password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "account/email/<str:token>/",
        accounts.email_change_confirm,
        name="email_change_confirm",
    ),
    path("portal/", include("successdesk.portal.urls")),
    path("console/", include("successdesk.console.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
