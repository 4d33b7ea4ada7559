"""The site pages (About, Editorial policy, Corrections, Contact, Privacy): what readers see, the footer,
the sitemap and structured data, editing them in the admin, and loading them with the site."""

from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from articles.rendering import plain_text
from pagecache.models import ContentVersion
from sitepages.models import SitePage
from sitepages.pages import SITE_PAGES, SLUGS

from .helpers import json_ld, page_at, queries_for, save_site_page, setup_site, site_page_change_url, soup

pytestmark = pytest.mark.django_db

SITE = "https://citewell.example"
SEED = "/articles/does-magnesium-help-osteoporosis/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
UNSAFE = (
    "## Hello\n\nFine text.\n\n<script>alert('body')</script>\n\n"
    "[a link](javascript:alert('link')) <img src=x onerror=alert('img')> "
    '<a href="https://example.org" onclick="alert(\'click\')">elsewhere</a>\n\n<style>body{display:none}</style>'
)


def footer_links(page):
    return [(a["href"], a.get_text(strip=True)) for a in page.select("#site-footer nav a")]


# What readers see


@pytest.mark.parametrize("slug", SLUGS)
def test_each_page_shows_its_title_and_text(client, site_pages, slug):
    stored = site_pages[slug]
    page = page_at(client, f"/{slug}/")
    assert page.select_one("main h1").get_text() == stored.title
    text = " ".join(page.select_one(".site-page__body").get_text().split())
    assert " ".join(plain_text(stored.body_html).split()) == text
    assert len(text) > 400
    assert page.select_one("title").get_text() == f"{stored.title} · Citewell"
    assert page.select_one('meta[name="description"]')["content"] == stored.summary
    assert page.select_one('link[rel="canonical"]')["href"] == f"{SITE}/{slug}/"


def test_the_text_leaves_the_contact_address_to_the_setting_and_states_the_review_interval(site_pages, settings):
    text = " ".join(page.body for page in site_pages.values())
    assert "@" not in text and "mailto:" not in text
    assert f"{settings.REVIEW_INTERVAL_MONTHS} months after its last sign-off" in site_pages["editorial-policy"].body
    assert "Not yet medically reviewed" in site_pages["editorial-policy"].body


def test_the_editorial_policy_has_the_section_article_bylines_link_to(client, site_pages):
    section = page_at(client, "/editorial-policy/").select_one("#how-we-review")
    assert section.get_text() == "How we review"


def test_a_page_missing_from_the_database_is_404(client, site_pages):
    site_pages["privacy"].delete()
    assert client.get("/privacy/").status_code == 404
    assert client.get("/about/").status_code == 200
    assert client.get("/terms/").status_code == 404


def test_a_site_page_costs_two_queries(client, site_pages):
    assert queries_for(client, "/about/") == 2  # the content version, the page


def test_the_contact_page_links_the_contact_address_when_there_is_one(client, site_pages, settings):
    settings.CONTACT_EMAIL = "corrections@citewell.example"
    box = page_at(client, "/contact/").select_one(".contact-address")
    assert box.select_one('a[href="mailto:corrections@citewell.example"]').get_text() == settings.CONTACT_EMAIL
    assert json_ld(page_at(client, "/contact/"))["Organization"]["email"] == settings.CONTACT_EMAIL


def test_without_a_contact_address_the_contact_page_names_the_operator(client, site_pages, settings):
    settings.CONTACT_EMAIL = ""
    box = page_at(client, "/contact/").select_one(".contact-address")
    assert box.select_one("a") is None
    assert "the site’s operator" in box.get_text()
    assert "email" not in json_ld(page_at(client, "/contact/"))["Organization"]


# Unsafe Markdown


def test_scripts_styles_handlers_and_javascript_links_never_reach_the_page(client, site_pages):
    about = site_pages["about"]
    about.body = UNSAFE
    about.save()
    page = page_at(client, "/about/")
    body = page.select_one(".site-page__body")
    assert "Fine text." in body.get_text()
    assert not body.select("script, style, img")
    assert [a.get("href") for a in body.select("a")] == [
        None,
        "https://example.org",
    ]  # the javascript: link lost its href
    assert body.select_one("a[href]")["rel"] == ["noopener", "noreferrer"]
    assert not [name for tag in body.find_all(True) for name in tag.attrs if name.startswith("on")]
    assert "javascript:" not in str(body) and "display:none" not in str(body)
    assert len(page.select("script")) == 1  # the JSON-LD


def test_a_title_heading_citations_and_table_markers_are_refused(admin_client, site_pages):
    about = site_pages["about"]
    response = save_site_page(admin_client, about, body="# About\n\nText.[^1]\n\n[[food-sources]]\n")
    assert response.status_code == 200
    errors = [li.get_text() for li in soup(response).select(".field-body .errorlist li")]
    assert len(errors) == 3, errors
    assert SitePage.objects.get(slug="about").body == about.body


# The footer, the sitemap and structured data


@pytest.mark.parametrize("url", ["/", SEED, "/corrections/"])
def test_every_public_page_links_to_the_site_pages_in_its_footer(client, seed_article, site_pages, url):
    page = page_at(client, url)
    assert footer_links(page) == [(f"/{slug}/", label) for slug, label in SITE_PAGES]
    assert page.select_one("#site-footer nav")["aria-label"] == "About Citewell"
    current = page.select("#site-footer nav a[aria-current]")
    assert [a["href"] for a in current] == ([url] if url == "/corrections/" else [])


def test_the_footer_links_are_there_before_any_page_is_loaded(client):
    assert [href for href, _ in footer_links(page_at(client, "/"))] == [f"/{slug}/" for slug in SLUGS]


def test_the_sitemap_lists_the_site_pages_with_their_last_change(client, site_pages):
    root = ElementTree.fromstring(client.get("/sitemap.xml").content)
    dates = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root}
    for slug in SLUGS:
        assert dates[f"{SITE}/{slug}/"] == site_pages[slug].updated_at.date().isoformat()
    assert f"{SITE}/" in dates  # the content app's sections are still there


@pytest.mark.parametrize(
    ("slug", "kind"),
    [("about", "AboutPage"), ("contact", "ContactPage"), ("editorial-policy", "WebPage"), ("privacy", "WebPage")],
)
def test_each_page_describes_itself_as_part_of_the_site(client, site_pages, slug, kind):
    nodes = json_ld(page_at(client, f"/{slug}/"))
    webpage = nodes[kind]
    assert webpage["url"] == webpage["@id"].removesuffix("#webpage") == f"{SITE}/{slug}/"
    assert webpage["name"] == site_pages[slug].title
    assert webpage["description"] == site_pages[slug].summary
    assert webpage["isPartOf"] == {"@id": f"{SITE}/#website"}
    assert webpage["publisher"] == {"@id": f"{SITE}/#organization"} == {"@id": nodes["Organization"]["@id"]}


@pytest.mark.parametrize("url", ["/", SEED, "/about/"])
def test_the_organization_links_its_editorial_and_corrections_policies(client, seed_article, site_pages, url):
    organization = json_ld(page_at(client, url))["Organization"]
    assert organization["publishingPrinciples"] == f"{SITE}/editorial-policy/"
    assert organization["ethicsPolicy"] == f"{SITE}/editorial-policy/"
    assert organization["correctionsPolicy"] == f"{SITE}/corrections/"


# What the privacy page says


@pytest.mark.parametrize("url", ["/", SEED, "/privacy/", "/search/?q=magnesium", "/no-such-page/"])
def test_readers_get_no_cookies_and_nothing_from_other_sites(client, seed_article, site_pages, url):
    response = client.get(url)
    assert not response.cookies
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "http" not in policy  # every source is 'self' or 'none'
    assert response["Referrer-Policy"] == "same-origin"
    page = soup(response)
    assert not page.select("script[src], iframe, object, embed")
    loaded = [tag["src"] for tag in page.select("[src]")] + [
        tag["href"] for tag in page.select("link[rel~=stylesheet], link[rel~=icon]")
    ]
    assert all(address.startswith("/") and not address.startswith("//") for address in loaded), loaded


def test_staff_get_their_cookies_only_in_the_admin(client):
    assert "csrftoken" in client.get(reverse("admin:login")).cookies


# Editing in the admin


def test_an_editor_changes_a_page_and_a_revision_is_recorded(editor_client, editor, site_pages):
    about = site_pages["about"]
    response = save_site_page(editor_client, about, title="About us", body="## Who we are\n\nA small team.")
    assert response.status_code == 302
    about.refresh_from_db()
    assert (about.title, about.body_html) == ("About us", '<h2 id="who-we-are">Who we are</h2>\n<p>A small team.</p>')
    versions = list(Version.objects.get_for_object(about).select_related("revision__user"))
    assert versions[0].revision.user == editor
    assert versions[0].field_dict["title"] == "About us"
    assert versions[1].field_dict["title"] == "About Citewell"  # as it stood before the first edit
    assert "body_html" not in versions[0].field_dict
    history = soup(editor_client.get(reverse("admin:sitepages_sitepage_history", args=[about.pk]))).get_text()
    assert "editor" in history


def test_an_editor_restores_an_earlier_revision_with_its_html(editor_client, site_pages):
    about = site_pages["about"]
    save_site_page(editor_client, about, body="## Gone\n\nFor a moment.")
    first = Version.objects.get_for_object(about).last()
    restore = reverse("admin:sitepages_sitepage_revision", args=[about.pk, first.pk])
    form = soup(editor_client.get(restore))
    fields = {name: form.select_one(f"[name={name}]") for name in ("title", "summary", "body")}
    data = {name: field.get("value") or field.get_text().removeprefix("\n") for name, field in fields.items()}
    assert data["body"] == about.body
    response = editor_client.post(restore, data)
    assert response.status_code == 302
    about.refresh_from_db()
    assert "Citewell publishes health articles" in about.body_html and "Gone" not in about.body_html
    assert Version.objects.get_for_object(about).count() == 3


def test_an_editor_cannot_change_a_slug(editor_client, site_pages):
    about = site_pages["about"]
    page = soup(editor_client.get(site_page_change_url(about)))
    assert page.select_one("textarea#id_body.markdownx-editor")
    assert page.select_one("[name=slug]") is None
    assert page.select_one(".field-slug .readonly").get_text() == "About"
    assert save_site_page(editor_client, about, slug="privacy").status_code == 302
    assert SitePage.objects.get(pk=about.pk).slug == "about"


def test_an_editor_cannot_add_or_delete_a_page(editor_client, site_pages):
    site_pages["contact"].delete()
    assert editor_client.get(reverse("admin:sitepages_sitepage_add")).status_code == 403
    assert editor_client.post(reverse("admin:sitepages_sitepage_add"), {"slug": "contact"}).status_code == 403
    delete = reverse("admin:sitepages_sitepage_delete", args=[site_pages["about"].pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert SitePage.objects.count() == 4
    listing = soup(editor_client.get(reverse("admin:sitepages_sitepage_changelist")))
    assert listing.select_one(".object-tools .addlink") is None
    assert len(listing.select("#result_list tbody tr")) == 4


def test_only_a_missing_page_can_be_added_by_an_administrator(admin_client, site_pages):
    add = reverse("admin:sitepages_sitepage_add")
    assert admin_client.get(add).status_code == 403
    site_pages["contact"].delete()
    fields = {"slug": "contact", "title": "Contact", "summary": "How to reach us.", "body": "## Write\n\nPlease."}
    assert admin_client.post(add, fields).status_code == 302
    assert SitePage.objects.get(slug="contact").body_html == '<h2 id="write">Write</h2>\n<p>Please.</p>'


def test_an_edit_shows_on_the_next_anonymous_request_with_the_page_cache_on(editor_client, site_pages):
    client = Client()
    client.get("/about/")
    assert client.get("/about/")["X-Cache"] == "hit"
    response = save_site_page(editor_client, site_pages["about"], body="## New\n\nRewritten today.")
    assert response.status_code == 302
    fresh = client.get("/about/")
    assert fresh["X-Cache"] == "miss"
    assert "Rewritten today." in fresh.content.decode()


def test_any_change_to_a_site_page_moves_the_content_version_on(site_pages):
    before = ContentVersion.objects.get().value
    SitePage.objects.filter(slug="privacy").update(title="Your privacy")
    assert ContentVersion.objects.get().value == before + 1


# Loading with the site


def test_setup_loads_the_pages_once_and_never_overwrites_an_editors_text():
    output = setup_site()
    assert "Loaded the site pages: About Citewell, Editorial policy, Corrections, Contact, Privacy." in output
    assert sorted(SitePage.objects.values_list("slug", flat=True)) == sorted(SLUGS)
    about = SitePage.objects.get(slug="about")
    assert [v.revision.get_comment() for v in Version.objects.get_for_object(about)] == ["Loaded with the site."]
    assert "Citewell publishes health articles" in about.body_html
    SitePage.objects.filter(slug="about").update(body="Edited by an editor.")
    SitePage.objects.filter(slug="contact").delete()
    output = setup_site()
    assert "Loaded the site pages: Contact." in output
    assert SitePage.objects.get(slug="about").body == "Edited by an editor."
    assert SitePage.objects.count() == len(SLUGS)
    assert "The site pages exist; none was loaded again." in setup_site()
    assert Article.objects.count() == 1
