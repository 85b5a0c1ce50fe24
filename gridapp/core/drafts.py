"""Drafts kept on the phone (static/js/drafts.js): what a form needs to opt in, and how a page
that saved a form tells the phone to forget its draft.

A form opts in with one attribute, ``data-draft="visit:household:42"``: the key names the form
and the object, and drafts.js stores it under the user's id besides, so another user of the same
phone never sees it. The draft is never cleared when the form is sent (the submission may fail:
an error, an expired log-in, a refused CSRF token); the view that *saved* it calls
``saved(request, key)`` before redirecting, and the next page tells drafts.js to clear that key
(``take_saved``, read by ``templates/includes/drafts.html``).
"""

SESSION_KEY = "gridapp_drafts_saved"


def attrs(form, key):
    """The attributes of a ``<form>`` kept as a draft under ``key``; ``data-draft-bound`` when
    the page is the server's answer to a submission (its errors and what was sent are shown, so
    the draft is kept but not laid over them)."""
    result = {"data-draft": key}
    if form.is_bound:
        result["data-draft-bound"] = "true"
    return result


def saved(request, key):
    """The form under ``key`` was saved: the next page clears its draft on the phone."""
    keys = request.session.get(SESSION_KEY, [])
    if key not in keys:
        request.session[SESSION_KEY] = [*keys, key]


def take_saved(request):
    """The keys of drafts saved since the last page, once (the page that shows them clears them)."""
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return []
    return session.pop(SESSION_KEY)
