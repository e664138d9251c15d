from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Cross-app operations: the ``worker``, ``sweep`` and ``demo`` commands, the sweeps
    they run and the demo data. The top layer: it may import every app."""

    name = "successdesk.ops"
    label = "ops"
    verbose_name = "Operations"
