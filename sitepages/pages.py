"""The site pages there are: each slug (its address, /<slug>/) and the label of its link in the footer.

A constant, not a query: the footer of every public page links to all of them,
and the set is fixed (editors change their text, never which pages exist).
"""

SITE_PAGES = (
    ("about", "About"),
    ("editorial-policy", "Editorial policy"),
    ("corrections", "Corrections"),
    ("contact", "Contact"),
    ("privacy", "Privacy"),
)
SLUGS = tuple(slug for slug, _ in SITE_PAGES)
