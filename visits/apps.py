from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "visits"
    verbose_name = _("Visits")

    def ready(self):
        from gridapp.register.signals import placement_changed

        from . import checkins

        # The register may not import the check-ins: it says what moved, they follow.
        placement_changed.connect(checkins.refresh_placement, dispatch_uid="visits.checkins.refresh_placement")
