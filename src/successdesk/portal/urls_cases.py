from django.urls import path

from . import cases

urlpatterns = [
    path("cases/", cases.case_list, name="cases"),
    path("cases/new/", cases.case_new, name="case_new"),
    path("cases/follow/", cases.follow_all_cases, name="cases_follow"),
    path("cases/<str:number>/", cases.case_detail, name="case"),
    path("cases/<str:number>/resolve/", cases.case_resolve, name="case_resolve"),
    path("attachments/<int:pk>/", cases.attachment_download, name="attachment"),
]
