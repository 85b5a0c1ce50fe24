"""The session engine (``SESSION_ENGINE = "gridapp.sessions"``): Django's database sessions whose
rows also carry the logged-in user.

Why a user column rather than a user → session-key table filled at log-in: Django changes the
key of a live session (``cycle_key`` after a password change, or after the two-factor check), and
a side table would miss the new key. Here every save writes the user with the data, so
``end_sessions`` finds every session of a user with one indexed DELETE, never by decoding them
all.
"""

import logging

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore

log = logging.getLogger("gridapp.security")


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from gridapp.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            session.user_id = None
        return session


def end_sessions(users, *, by=None, reason):
    """Delete every session of ``users`` (a queryset or a list of users); return how many ended.

    Their next request finds no session and goes to the log-in page.
    """
    from gridapp.models import UserSession

    user_ids = [u.pk for u in users]
    count, _ = UserSession.objects.filter(user_id__in=user_ids).delete()
    log.info(
        "sessions ended: users=%s sessions=%d reason=%s by=%s",
        user_ids,
        count,
        reason,
        by.get_username() if by else "-",
    )
    return count
