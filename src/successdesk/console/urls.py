from django.urls import include, path

from . import views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    # Each area keeps its own URL module (cases and queues; customers, rosters and fees).
    path("", include("successdesk.console.urls_cases")),
    path("", include("successdesk.console.urls_customers")),
    path("", include("successdesk.console.urls_triage")),
    path("", include("successdesk.console.urls_services")),
]
