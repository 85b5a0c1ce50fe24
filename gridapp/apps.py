from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridappConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gridapp"
    verbose_name = _("Household register")

    def ready(self):
        from .accounts import security
        from .core import lookups  # noqa: F401  (registers on import)
        from .notify import checks  # noqa: F401  (registers on import)
        from .ops import checks as ops_checks  # noqa: F401  (registers on import)

        security.connect()
