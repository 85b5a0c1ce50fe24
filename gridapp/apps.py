from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridappConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gridapp"
    verbose_name = _("Household register")

    def ready(self):
        from . import checks, lookups, security  # noqa: F401  (checks and lookups register on import)

        security.connect()
