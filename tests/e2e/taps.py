"""What a thumb needs on a page, measured in the browser: every visible control at least 44×44 CSS
pixels, one h1, a name for every control, nothing wider than the screen.

The rules, as ``PAGE_CHECK`` applies them:

- The controls are the visible ``a[href]``, ``button``, ``input`` (not hidden), ``select``,
  ``textarea`` and ``summary`` elements. A checkbox or radio button is tapped through its label,
  so the label is measured instead of the box (a checkbox or radio without a label is measured
  itself, and reported for having no name).
- "Visible" means rendered with a size on the page as it stands (not in a collapsed menu,
  ``display: none``, ``visibility: hidden``, or Bootstrap's visually-hidden); a control that is
  there but scrolled off the screen is measured like any other.
- A link in running text may be smaller: a link that is laid out inline inside a block whose
  own words (its text without any link's or button's) are longer than the link's text, that is
  not a button (``.btn``) and not in the navigation, a breadcrumb, a list group, pagination or
  a table. Such a link is never the page's main action: actions are buttons or standalone
  links (a row of links is not a sentence), which are measured.
- Every control has an accessible name: its text, ``aria-label``, ``aria-labelledby``,
  ``title``, an image's ``alt``, a ``<label>`` (wrapping, or ``for`` its id) or, for a button
  made of an input, its value.
- A page has exactly one ``h1``, and ``document.documentElement.scrollWidth`` is not more than
  the viewport's width.

The check itself is ``taps.js``, evaluated in the page. ``problems(page, name)`` returns the
problems as lines of text, each naming the page and the element (its tag, classes, text and
size), so a failing test lists all of them at once.
"""

from pathlib import Path

MIN_SIZE = 44

PAGE_CHECK = (Path(__file__).parent / "taps.js").read_text()


def problems(page, name):
    """The page's problems, each line naming the page."""
    return [f"{name}: {problem}" for problem in page.evaluate(PAGE_CHECK, MIN_SIZE)]
