from django.utils.functional import SimpleLazyObject

from gridapp import scope


def user_scope(request):
    """The user's roles for the navigation (loaded once per request, only if a template asks)."""
    return {"user_scope": SimpleLazyObject(lambda: scope.for_user(request.user))}
