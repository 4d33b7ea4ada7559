"""schema.org JSON-LD for a site page: part of the site's WebSite and published by its Organization,
as the article pages describe them (articles.structured_data)."""

from articles.structured_data import absolute, ids, organization, website

PAGE_TYPES = {"about": "AboutPage", "contact": "ContactPage"}


def page_graph(page, contact_email=""):
    """An AboutPage, a ContactPage or a WebPage, with the Organization it is about or published by."""
    url = absolute(page.get_absolute_url())
    webpage = {
        "@type": PAGE_TYPES.get(page.slug, "WebPage"),
        "@id": f"{url}#webpage",
        "url": url,
        "name": page.title,
        "description": page.summary,
        "inLanguage": "en",
        "dateModified": page.updated_at.isoformat(),
        "isPartOf": {"@id": ids()["website"]},
        "publisher": {"@id": ids()["organization"]},
    }
    publisher = organization()
    if page.slug in PAGE_TYPES:  # the About and Contact pages are about the organization itself
        webpage["mainEntity"] = {"@id": ids()["organization"]}
    if page.slug == "contact" and contact_email:
        publisher["email"] = contact_email
    return {"@context": "https://schema.org", "@graph": [webpage, website(), publisher]}
