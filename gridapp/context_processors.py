from django.utils.functional import SimpleLazyObject

from . import scope


def user_scope(request):
    """The user's roles for the navigation (loaded once per request, only if a template asks)."""
    return {"user_scope": SimpleLazyObject(lambda: scope.for_user(request.user))}


def unread_count(request):
    """The navbar's unread-message badge: one COUNT, only when a template shows it."""
    if not request.user.is_authenticated:
        return {}
    return {
        "unread_count": SimpleLazyObject(lambda: scope.notifications(request.user).filter(read_at__isnull=True).count())
    }
