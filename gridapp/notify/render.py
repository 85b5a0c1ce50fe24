"""A notification drawn for each channel from the same sections, in the same order: the
e-mail's plain text and HTML, and the group robot's markdown card (WeCom and DingTalk
``markdown`` messages). Links are made absolute (``GRIDAPP_SITE_URL``): they are opened from a
mail app or a chat, outside the site.

The texts were written in the site's language when the message was sent; what is added here
(headings, "open all") is in that language too, whatever the worker's process is set to.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from gridapp.core.display import person
from gridapp.models import WebhookKind

# How many items the group robot's card lists before "all N": a chat message is glanced at.
CARD_ITEMS = 5
# WeCom refuses a markdown message over 4,096 bytes (UTF-8); DingTalk's limit is larger.
CARD_MAX_BYTES = 4000
# Characters that would turn a name or an address into markdown (a link, a colour, an @mention):
# replaced by their full-width forms, which read the same in Chinese text.
_MARKDOWN = str.maketrans("[]()*_`#<>\n\r", "［］（）＊＿＇＃＜＞  ")


def absolute(url):
    return f"{settings.GRIDAPP_SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def page_url(notification):
    """The message in the inbox: the whole list, each item a tap."""
    return absolute(reverse("notification_detail", args=[notification.pk]))


def heading(section):
    return _("%(title)s (%(n)d)") % {"title": section["title"], "n": len(section["rows"])}


def email_text(notification):
    with override(settings.LANGUAGE_CODE):
        if not notification.sections:
            link = f"\n\n{absolute(notification.link)}" if notification.link else ""
            return notification.body + link
        lines = [notification.subject]
        for section in notification.sections:
            lines += ["", heading(section)]
            for row in section["rows"]:
                lines.append("· " + " — ".join(part for part in (row["label"], row["detail"], row["when"]) if part))
                if row["url"]:
                    lines.append(f"  {absolute(row['url'])}")
        lines += ["", _("Open in gridapp: %(url)s") % {"url": page_url(notification)}]
        return "\n".join(lines)


def email_html(notification):
    with override(settings.LANGUAGE_CODE):
        sections = [
            {
                "heading": heading(section),
                "rows": [{**row, "url": absolute(row["url"]) if row["url"] else ""} for row in section["rows"]],
            }
            for section in notification.sections
        ]
        return render_to_string(
            "gridapp/email/notification.html",
            {"notification": notification, "sections": sections, "page_url": page_url(notification)},
        )


def robot_payload(kind, notification):
    """The JSON a group robot of ``kind`` accepts."""
    if kind == WebhookKind.GENERIC:
        return {
            "subject": notification.subject,
            "body": notification.body,
            "link": notification.link,
            "sections": [
                {**section, "rows": [{**row, "url": absolute(row["url"])} for row in section["rows"]]}
                for section in notification.sections
            ],
        }
    if not notification.sections:  # a message that is only text stays a text message
        if notification.link:
            # About a case: the whole group reads it, so the details stay one tap away, behind
            # each member's own scope.
            return {"msgtype": "text", "text": {"content": f"{notification.subject}\n{absolute(notification.link)}"}}
        return {"msgtype": "text", "text": {"content": f"{notification.subject}\n{notification.body}"}}
    with override(settings.LANGUAGE_CODE):
        title = f"{person(notification.recipient)} · {notification.subject}"
        text = _card(kind, notification, title)
    if kind == WebhookKind.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def _card(kind, notification, title, items=CARD_ITEMS):
    """The first ``items`` items under their headings, then a link to them all; fewer items if
    the card would be too long for the robot."""
    dingtalk = kind == WebhookKind.DINGTALK
    # DingTalk needs two spaces before a newline to break the line; WeCom shows them as they are.
    newline = "  \n" if dingtalk else "\n"
    lines = [f"### {md(title)}"]
    shown = 0
    for section in notification.sections:
        rows = section["rows"][: max(items - shown, 0)]
        if not rows:
            break
        lines.append(f"**{md(heading(section))}**")
        lines += [_card_row(row, dingtalk) for row in rows]
        shown += len(rows)
    total = sum(len(section["rows"]) for section in notification.sections)
    more = _("All %(n)d items") % {"n": total} if total > shown else _("Open in gridapp")
    # The card is read by the whole group: its link opens the shared list (the check-ins due,
    # which each member sees within their own scope), not the recipient's personal inbox entry.
    shared = absolute(notification.link) if notification.link else page_url(notification)
    lines.append(f"[{md(more)}]({shared})")
    text = newline.join(lines)
    if len(text.encode()) > CARD_MAX_BYTES and items > 1:
        return _card(kind, notification, title, items - 1)
    return text


def _card_row(row, dingtalk):
    label = f"[{md(row['label'])}]({absolute(row['url'])})" if row["url"] else md(row["label"])
    when = md(row["when"])
    if when and row["urgent"]:
        # WeCom colours text with three named colours; DingTalk's robots do not.
        when = f"**{when}**" if dingtalk else f'<font color="warning">{when}</font>'
    parts = " · ".join(part for part in (md(row["detail"]), when) if part)
    return f"{'- ' if dingtalk else '> '}{label} {parts}".rstrip()


def md(text):
    """Plain text made safe inside markdown, shortened for a chat line."""
    text = str(text).translate(_MARKDOWN)
    return text if len(text) <= 80 else f"{text[:79]}…"
