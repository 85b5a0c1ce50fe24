"""Permissions that come with a role (``gridapp.scope.ROLE_PERMISSIONS``), so ``user.has_perm``
answers the same for a staff member as for someone an admin gave the permission by hand."""

from django.contrib.auth.backends import BaseBackend

from gridapp import scope


class RolePermissionBackend(BaseBackend):
    """Authenticates nobody; adds the permissions of the user's roles to those Django's
    ModelBackend finds in the user's own permissions and groups."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return set(scope.role_permissions(user_obj))
