"""What the navigation needs to know of cases: whether the user is a member of a department."""

from . import scope as case_scope


def department(request):
    """``in_department``, asked only when a template needs it (a user with a grid or community
    role never costs the query: the menu asks about the roles first)."""
    return {"in_department": lambda: bool(case_scope.department_ids(request.user))}
