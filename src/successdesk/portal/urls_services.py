from django.urls import path

from . import services

urlpatterns = [
    path("services/", services.request_list, name="service_requests"),
    path("services/new/", services.request_new, name="service_request_new"),
    path("services/<int:pk>/", services.request_detail, name="service_request"),
    path(
        "services/attachments/<int:pk>/",
        services.request_attachment,
        name="service_request_attachment",
    ),
    path("services/exclusion-check/", services.exclusion_hint, name="exclusion_check"),
    path(
        "cases/<str:number>/remote-access/<int:pk>/",
        services.remote_access_answer,
        name="remote_access_answer",
    ),
    path("library/", services.library, name="library"),
    path("library/<slug:slug>/", services.library_item, name="library_item"),
    path("library/<slug:slug>/download/", services.library_download, name="library_download"),
]
