"""Where group robots may be: https, and a host on GRIDAPP_WEBHOOK_HOSTS.

Staff type the robot's address, and the worker posts residents' names to it. An open address
would let anyone with a staff account make the worker post to any internal service (SSRF), so
the address must name one of the robot services by host name: no IP address, no user name or
password before the host (``https://qyapi.weixin.qq.com@evil.example/`` goes to evil.example),
nothing but https. The same check runs at entry (the form) and before every post (an address
saved before the list changed is not posted to).
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


def webhook_url_problem(url):
    """Why the worker must not post to ``url``, in the active language; None when it may."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        return _("This is not a web address.")
    scheme = parts.scheme.lower()
    schemes = ("https",) if settings.GRIDAPP_WEBHOOK_HTTPS_ONLY else ("https", "http")
    if scheme not in schemes:
        return _("A group robot's address must start with https://.")
    if "@" in parts.netloc or "\\" in url:
        return _("A group robot's address cannot carry a user name or password before the host.")
    host = (parts.hostname or "").rstrip(".")
    allowed = settings.GRIDAPP_WEBHOOK_HOSTS
    if host in allowed:
        return None
    if _is_ip(host):
        return _("A group robot's address must name its host (such as %(hosts)s), not an IP address.") % {
            "hosts": ", ".join(allowed) or "—"
        }
    if not allowed:
        return _("Group robots are turned off on this site (GRIDAPP_WEBHOOK_HOSTS is empty).")
    return _("Group robots can only be at %(hosts)s; %(host)s is not one of them.") % {
        "hosts": ", ".join(allowed),
        "host": host or "—",
    }


def _is_ip(host):
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
