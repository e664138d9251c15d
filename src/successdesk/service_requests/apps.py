from django.apps import AppConfig


class ServiceRequestsConfig(AppConfig):
    name = "successdesk.service_requests"
    label = "service_requests"
