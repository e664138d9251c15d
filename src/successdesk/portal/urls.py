from django.urls import include, path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    # Each area keeps its own URL module (cases; roster, entitlements and products).
    path("", include("successdesk.portal.urls_cases")),
    path("", include("successdesk.portal.urls_account")),
    path("", include("successdesk.portal.urls_services")),
]
