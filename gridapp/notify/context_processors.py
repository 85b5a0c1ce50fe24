from django.utils.functional import SimpleLazyObject

from gridapp import scope


def unread_count(request):
    """The navbar's unread-message badge: one COUNT, only when a template shows it."""
    if not request.user.is_authenticated:
        return {}
    return {
        "unread_count": SimpleLazyObject(lambda: scope.notifications(request.user).filter(read_at__isnull=True).count())
    }
