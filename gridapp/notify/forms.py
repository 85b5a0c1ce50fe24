"""The community's group-robot webhook."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gridapp.core.forms import BaseModelForm
from gridapp.models import Webhook

from .allowlist import webhook_url_problem


class WebhookForm(BaseModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = Webhook
        fields = ["url", "kind", "active"]
        widgets = {
            "url": forms.URLInput(attrs={"placeholder": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"})
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hosts = ", ".join(settings.GRIDAPP_WEBHOOK_HOSTS)
        self.fields["url"].help_text = (
            _("An https address on %(hosts)s, as the robot's settings show it.") % {"hosts": hosts}
            if hosts
            else _("Group robots are turned off on this site (GRIDAPP_WEBHOOK_HOSTS is empty).")
        )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if problem := webhook_url_problem(url):
            raise forms.ValidationError(problem)
        return url
