"""Posting JSON to a webhook, for the channels that do (group robots, API clients' events): no
redirects followed, a timeout, and any answer but 2xx an error the delivery is retried on."""

import urllib.error
import urllib.request

WEBHOOK_TIMEOUT_SECONDS = 10


class ChannelError(Exception):
    """A channel could not deliver; the delivery will be retried."""


class Refused(ChannelError):
    """A channel must not deliver to this target at all: the delivery fails at once, no retry."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is the receiver's answer, not a place to go: following it could lead anywhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError with the 3xx code


_opener = urllib.request.build_opener(_NoRedirects)


def post(url, data, headers=None):
    """POST ``data`` (bytes of JSON) to ``url``, which the caller has checked against its allowlist."""
    request = urllib.request.Request(  # noqa: S310 (the callers check the URL against their allowlist)
        url, data=data, headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})}, method="POST"
    )
    try:
        with _opener.open(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            if not 200 <= response.status < 300:
                raise ChannelError(f"HTTP {response.status}")
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            raise ChannelError(f"HTTP {exc.code} (redirects are not followed)") from None
        raise ChannelError(f"HTTP {exc.code}") from None
