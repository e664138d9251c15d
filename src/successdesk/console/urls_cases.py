from django.urls import path

from . import cases

urlpatterns = [
    path("cases/", cases.case_list, name="cases"),
    path("phone/", cases.phone_intake, name="phone_intake"),
    path("cases/<str:number>/", cases.case_detail, name="case"),
    path("cases/<str:number>/status/", cases.case_status, name="case_status"),
    path("cases/<str:number>/reassign/", cases.case_reassign, name="case_reassign"),
    path("cases/<str:number>/diagnostics/", cases.case_diagnostics, name="case_diagnostics"),
    path("attachments/<int:pk>/", cases.attachment_download, name="attachment"),
]
