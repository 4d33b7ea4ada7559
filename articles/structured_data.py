"""schema.org JSON-LD for search engines: one @graph per page.

Article pages describe a MedicalWebPage and its Article (with review dates, the
reviewer and the cited works), the breadcrumb trail, and the FAQ; the home page
describes the WebSite and how to search it. Every URL is absolute on SITE_URL.
"""

import json

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe

from . import citations, rendering

LOGO = "img/citewell-logo.png"


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def ids():
    site = settings.SITE_URL
    return {"organization": f"{site}/#organization", "website": f"{site}/#website"}


def organization():
    """The publisher, with the pages that say how it works (named routes: the site pages' app is not imported)."""
    editorial_policy = absolute(reverse("sitepages:editorial-policy"))
    return {
        "@type": "Organization",
        "@id": ids()["organization"],
        "name": settings.SITE_NAME,
        "url": absolute("/"),
        "logo": {"@type": "ImageObject", "url": absolute(static(LOGO)), "width": 512, "height": 512},
        "publishingPrinciples": editorial_policy,
        "correctionsPolicy": absolute(reverse("sitepages:corrections")),
        "ethicsPolicy": editorial_policy,
    }


def party(contributor):
    """A byline's contributor as schema.org sees it: a Person (with credentials) or an Organization."""
    if contributor.kind == contributor.Kind.ORGANIZATION:
        found = {"@type": "Organization", "name": contributor.name}
    else:
        found = {"@type": "Person", "name": contributor.name}
        if contributor.credentials:
            found["honorificSuffix"] = contributor.credentials
    found["url"] = absolute(contributor.get_absolute_url())
    if contributor.web_profile_url:
        found["sameAs"] = contributor.web_profile_url
    return found


def cited_work(reference):
    """A reference as a CreativeWork; its `description` is the reference as the page shows it (AMA style)."""
    work = {"@type": "CreativeWork", "name": reference.title, "description": reference.ama_text}
    if citations.ama_authors(reference.authors):
        work["author"] = citations.ama_authors(reference.authors)
    if reference.publisher:
        work["publisher"] = reference.publisher
    if reference.year:
        work["datePublished"] = str(reference.year)
    if reference.pages:
        work["pagination"] = reference.pages
    if reference.link:
        work["url"] = reference.link
    same_as = [url for url in (reference.doi_url, reference.pubmed_url) if url and url != reference.link]
    if same_as:
        work["sameAs"] = same_as
    return work


def breadcrumbs(url, trail):
    return {
        "@type": "BreadcrumbList",
        "@id": f"{url}#breadcrumb",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": item}
            for position, (name, item) in enumerate(trail, start=1)
        ],
    }


def reviewed(article):
    """When and by whom the version readers see was signed off, as schema.org properties."""
    if not (article.last_reviewed_on and article.medical_reviewer):
        return {}  # nobody has signed off the version readers see: no claim of a review
    return {"lastReviewed": article.last_reviewed_on.isoformat(), "reviewedBy": party(article.medical_reviewer)}


def question(faq):
    """An FAQ as a Question with its accepted answer in plain text."""
    answer = rendering.plain_text(faq.answer_html).strip()
    return {"@type": "Question", "name": faq.question, "acceptedAnswer": {"@type": "Answer", "text": answer}}


def faq_page(url, faqs):
    return {"@type": "FAQPage", "@id": f"{url}#faq", "mainEntity": [question(faq) for faq in faqs]}


def images(article):
    """The article's image for search engines: its hero image cut square, 4:3 and 16:9 (as Google asks),
    or the site's logo without one."""
    hero = article.hero
    if hero is None:
        return absolute(static(LOGO))
    return [absolute(rendition.url) for rendition in hero.schema]


def article_graph(article, topic, references, faqs):
    url = absolute(article.get_absolute_url())
    dates = {
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.updated_at.isoformat(),
    }
    page = {
        "@type": "MedicalWebPage",
        "@id": f"{url}#webpage",
        "url": url,
        "name": article.title,
        "description": article.description,
        "inLanguage": "en",
        "isPartOf": {"@id": ids()["website"]},
        "breadcrumb": {"@id": f"{url}#breadcrumb"},
        "mainEntity": {"@id": f"{url}#article"},
        **dates,
        **reviewed(article),
    }
    body = {
        "@type": "Article",
        "@id": f"{url}#article",
        "headline": article.title[:110],
        "description": article.description,
        "inLanguage": "en",
        **dates,
        "author": party(article.author),
        "publisher": {"@id": ids()["organization"]},
        "mainEntityOfPage": {"@id": f"{url}#webpage"},
        "wordCount": article.word_count,
        "timeRequired": f"PT{article.reading_minutes}M",
        "isAccessibleForFree": True,
        "image": images(article),
        "citation": [cited_work(reference) for reference in references],
    }  # lastReviewed and reviewedBy are WebPage properties: on the page node above
    trail = [("Home", absolute("/"))]
    if topic is not None:
        trail.append((topic.name, absolute(topic.get_absolute_url())))
    trail.append((article.title, url))
    graph = [page, body, breadcrumbs(url, trail), website(), organization()]
    if faqs:
        graph.append(faq_page(url, faqs))
    return {"@context": "https://schema.org", "@graph": graph}


def website(search=False):
    """The site, which every page is part of: each page's graph defines it, so its `isPartOf` resolves there.

    The home page's also says how to search it. Google's `query-input` is left out: it is not a
    schema.org property, and the sitelinks search box it served was retired in November 2024.
    """
    node = {
        "@type": "WebSite",
        "@id": ids()["website"],
        "url": absolute("/"),
        "name": settings.SITE_NAME,
        "description": settings.SITE_TAGLINE,
        "inLanguage": "en",
        "publisher": {"@id": ids()["organization"]},
    }
    if search:
        node["potentialAction"] = {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": absolute(reverse("articles:search")) + "?q={search_term_string}",
            },
        }
    return node


def home_graph():
    return {"@context": "https://schema.org", "@graph": [website(search=True), organization()]}


def topic_graph(topic, path=None):
    """The topic's CollectionPage: the page at `path` (its second page has an address of its own)."""
    url = absolute(topic.get_absolute_url())
    page = absolute(path) if path else url
    return {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "CollectionPage",
                "@id": f"{page}#webpage",
                "url": page,
                "name": topic.name,
                "description": topic.description,
                "isPartOf": {"@id": ids()["website"]},
                "breadcrumb": {"@id": f"{url}#breadcrumb"},
            },
            breadcrumbs(url, [("Home", absolute("/")), (topic.name, url)]),
            website(),
            organization(),
        ],
    }


def contributor_graph(contributor):
    url = absolute(contributor.get_absolute_url())
    about = party(contributor)
    about["@id"] = f"{url}#contributor"
    if contributor.bio:
        about["description"] = contributor.bio
    if contributor.kind == contributor.Kind.PERSON:
        about["jobTitle"] = contributor.get_role_display()
    return {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "ProfilePage",
                "@id": f"{url}#webpage",
                "url": url,
                "name": contributor.name,
                "isPartOf": {"@id": ids()["website"]},
                "mainEntity": {"@id": f"{url}#contributor"},
            },
            about,
            website(),
            organization(),
        ],
    }


def to_script(graph):
    """JSON for a <script type="application/ld+json"> element; nothing in it can end the element."""
    text = json.dumps(graph, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - markup characters are escaped above
