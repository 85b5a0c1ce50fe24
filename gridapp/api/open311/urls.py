"""/open311/v2/: GeoReport v2, each resource in .json or .xml; and the town-level intake list."""

from django.urls import path, re_path

from . import intake, requests, services

FMT = r"\.(?P<fmt>json|xml)$"

app_name = "open311"
urlpatterns = [
    re_path(r"^v2/discovery" + FMT, services.discovery, name="discovery"),
    re_path(r"^v2/services" + FMT, services.service_list, name="services"),
    re_path(r"^v2/services/(?P<code>[^/]{1,40})" + FMT, services.service_definition, name="service"),
    re_path(r"^v2/requests" + FMT, requests.request_list, name="requests"),
    re_path(r"^v2/requests/(?P<number>[^/]{1,40})" + FMT, requests.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token>[^/]{1,40})" + FMT, requests.token, name="token"),
    re_path(r"^v2/servicerequestupdates" + FMT, requests.updates, name="updates"),
    path("intake/", intake.intake_list, name="intake"),
    path("intake/<int:pk>/", intake.intake_place, name="intake_place"),
]
