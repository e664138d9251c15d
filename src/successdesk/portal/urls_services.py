from django.urls import path

from . import service_requests as views

urlpatterns = [
    path("services/", views.request_list, name="service_requests"),
    path("services/new/", views.request_new, name="service_request_new"),
    path("services/<int:pk>/", views.request_detail, name="service_request"),
    path(
        "services/attachments/<int:pk>/",
        views.request_attachment,
        name="service_request_attachment",
    ),
    path("services/exclusion-check/", views.exclusion_hint, name="exclusion_check"),
    path(
        "cases/<str:number>/remote-access/<int:pk>/",
        views.remote_access_answer,
        name="remote_access_answer",
    ),
    path("library/", views.library, name="library"),
    path("library/<slug:slug>/", views.library_item, name="library_item"),
    path("library/<slug:slug>/download/", views.library_download, name="library_download"),
]
