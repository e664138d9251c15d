from django.urls import include, path

from . import triage

urlpatterns = [
    path("triage/", triage.triage_queue, name="triage_queue"),
    path("queues/", triage.team_queues, name="team_queues"),
    path("queues/<slug:slug>/", triage.team_queue, name="team_queue"),
    path("my-cases/", triage.my_cases, name="my_cases"),
    path("cases/<str:number>/triage/", triage.case_triage_page, name="case_triage"),
    path("cases/<str:number>/link-customer/", triage.case_link, name="case_link_customer"),
    path("cases/<str:number>/verify-sender/", triage.case_verify, name="case_verify_sender"),
    path("cases/<str:number>/sla/", triage.sla_badges, name="sla_badges"),
    path("reports/", include("successdesk.reports.urls")),
]
