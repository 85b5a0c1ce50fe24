from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridappConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gridapp"
    verbose_name = _("Household register")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
