from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "successdesk.library"
    label = "library"
