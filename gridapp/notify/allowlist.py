"""Where group robots may be: https, and a host on GRIDAPP_WEBHOOK_HOSTS.

Staff type the robot's address, and the worker posts residents' names to it. An open address
would let anyone with a staff account make the worker post to any internal service (SSRF), so
the address must name one of the robot services by host name: no IP address, no user name or
password before the host (``https://qyapi.weixin.qq.com@evil.example/`` goes to evil.example),
nothing but https. The same check runs at entry (the form) and before every post (an address
saved before the list changed is not posted to).

API clients' webhooks (outgoing case events) follow the same rules with a host list of their own,
GRIDAPP_EVENT_HOSTS: ``event_url_problem``.
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


def webhook_url_problem(url):
    """Why the worker must not post to ``url``, in the active language; None when it may."""
    return _problem(url, settings.GRIDAPP_WEBHOOK_HOSTS, _robot_says)


def event_url_problem(url):
    """Why case events must not be posted to ``url`` (an API client's webhook); None when they may."""
    return _problem(url, settings.GRIDAPP_EVENT_HOSTS, _events_say)


def _robot_says(what, **names):
    return {
        "https": _("A group robot's address must start with https://."),
        "userinfo": _("A group robot's address cannot carry a user name or password before the host."),
        "ip": _("A group robot's address must name its host (such as %(hosts)s), not an IP address."),
        "off": _("Group robots are turned off on this site (GRIDAPP_WEBHOOK_HOSTS is empty)."),
        "host": _("Group robots can only be at %(hosts)s; %(host)s is not one of them."),
    }[what] % names


def _events_say(what, **names):
    return {
        "https": _("A webhook's address must start with https://."),
        "userinfo": _("A webhook's address cannot carry a user name or password before the host."),
        "ip": _("A webhook's address must name its host (such as %(hosts)s), not an IP address."),
        "off": _("Outgoing events are turned off on this site (GRIDAPP_EVENT_HOSTS is empty)."),
        "host": _("Webhooks can only be at %(hosts)s; %(host)s is not one of them."),
    }[what] % names


def _problem(url, allowed, says):
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        return _("This is not a web address.")
    scheme = parts.scheme.lower()
    schemes = ("https",) if settings.GRIDAPP_WEBHOOK_HTTPS_ONLY else ("https", "http")
    if scheme not in schemes:
        return says("https")
    if "@" in parts.netloc or "\\" in url:
        return says("userinfo")
    host = (parts.hostname or "").rstrip(".")
    if host in allowed:
        return None
    if _is_ip(host):
        return says("ip", hosts=", ".join(allowed) or "—")
    if not allowed:
        return says("off")
    return says("host", hosts=", ".join(allowed), host=host or "—")


def _is_ip(host):
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
