"""Report URLs, included under /console/reports/ (names in the console namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="reports"),
    path("sla/", views.sla, name="report_sla"),
    path("volume/", views.volume, name="report_volume"),
    path("first-response/", views.first_response, name="report_first_response"),
    path("usage/", views.usage, name="report_usage"),
    path("contacts/", views.contacts, name="report_contacts"),
]
