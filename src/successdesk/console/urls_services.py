from django.urls import path

from . import services

urlpatterns = [
    path("services/", services.request_list, name="service_requests"),
    path("services/usage/", services.usage, name="usage"),
    path("services/usage/extra/", services.usage_extra, name="usage_extra"),
    path("services/<int:pk>/", services.request_detail, name="service_request"),
    path("services/<int:pk>/advance/", services.request_advance, name="service_request_advance"),
    path("services/<int:pk>/assign/", services.request_assign, name="service_request_assign"),
    path("cases/<str:number>/exclusion/", services.case_exclusion, name="case_exclusion"),
    path(
        "cases/<str:number>/remote-access/",
        services.remote_access_ask,
        name="remote_access_request",
    ),
    path(
        "cases/<str:number>/remote-access/<int:pk>/",
        services.remote_access_details,
        name="remote_access_details",
    ),
    path(
        "cases/<str:number>/remote-access/<int:pk>/revoke/",
        services.remote_access_end,
        name="remote_access_revoke",
    ),
]
