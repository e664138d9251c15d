from django.urls import path

from . import service_requests as views

urlpatterns = [
    path("services/", views.request_list, name="service_requests"),
    path("services/usage/", views.usage, name="usage"),
    path("services/usage/extra/", views.usage_extra, name="usage_extra"),
    path("services/<int:pk>/", views.request_detail, name="service_request"),
    path("services/<int:pk>/advance/", views.request_advance, name="service_request_advance"),
    path("services/<int:pk>/assign/", views.request_assign, name="service_request_assign"),
    path("cases/<str:number>/exclusion/", views.case_exclusion, name="case_exclusion"),
    path(
        "cases/<str:number>/remote-access/",
        views.remote_access_ask,
        name="remote_access_request",
    ),
    path(
        "cases/<str:number>/remote-access/<int:pk>/",
        views.remote_access_details,
        name="remote_access_details",
    ),
    path(
        "cases/<str:number>/remote-access/<int:pk>/revoke/",
        views.remote_access_end,
        name="remote_access_revoke",
    ),
]
