"""The community's group-robot webhook."""

from django import forms
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

    def clean_url(self):
        url = self.cleaned_data["url"]
        if problem := webhook_url_problem(url):
            raise forms.ValidationError(problem)
        return url
