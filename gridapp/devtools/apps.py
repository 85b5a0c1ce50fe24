from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevtoolsConfig(AppConfig):
    """The demo world and the benchmark commands: installed only in development (settings)."""

    name = "gridapp.devtools"
    label = "devtools"
    verbose_name = _("Development tools")
