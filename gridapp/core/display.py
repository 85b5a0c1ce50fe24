"""How people and personal data are shown: the least that serves the task (PIPL). Used by the
pages (through ``gridapp_tags``), the exports, the notifications and the admin alike."""


def mask_id(value):
    """3301**********1234: region prefix and last four, nothing that gives the birth date."""
    value = value or ""
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_phone(value):
    """138****5678 for mobiles; landlines keep their area code and last four digits."""
    value = value or ""
    if len(value) < 7:
        return value
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def person(user):
    """A user's name as people say it: 吴佳栋 (family name first) for Chinese names."""
    if user is None:
        return ""
    first, last = user.first_name.strip(), user.last_name.strip()
    if not (first or last):
        return user.get_username()
    if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()
