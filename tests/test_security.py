"""Untrusted Markdown stays inert; the editor's endpoints are staff-only; settings are safe."""

import os
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from django.conf import settings as django_settings

from articles.models import Contributor, Reference

from .factories import ArticleFactory, FAQFactory, KeyPointFactory, ReferenceFactory
from .helpers import image_bytes, json_ld, soup

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle r=4 /></svg>",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "<iframe src='javascript:alert(1)'></iframe>",
    "<object data='javascript:alert(1)'></object>",
    "<embed src='javascript:alert(1)'>",
    "<a href='javascript:alert(1)'>click</a>",
    "<a href='&#106;avascript:alert(1)'>click</a>",
    "<a href='jav&#x09;ascript:alert(1)'>click</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    "<details open ontoggle=alert(1)>x</details>",
    "<style>body{display:none}</style>",
    "<form action='https://evil.example'><input name=x><button>go</button></form>",
    "<div style='background:url(javascript:alert(1))'>x</div>",
    "<p onclick=alert(1)>x</p>",
    "<base href='https://evil.example/'>",
    "<meta http-equiv='refresh' content='0;url=https://evil.example'>",
    "<body onload=alert(1)>",
    "<noscript><p title='</noscript><img src=x onerror=alert(1)>'>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<textarea><script>alert(1)</script></textarea>",
    "<template><script>alert(1)</script></template>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '<a href="https://ok.example" onmouseover=alert(1)>ok</a>',
    "<h2 id=references>clobber</h2>",
    "<scr<script>ipt>alert(1)</script>",
]
FORBIDDEN_TAGS = [
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "svg",
    "math",
    "base",
    "meta",
    "textarea",
    "template",
    "video",
    "source",
    "noscript",
    "link",
]
URL_ATTRIBUTES = ["href", "src", "action", "formaction", "data", "xlink:href", "srcset", "poster"]


def assert_inert(html):
    """No element that runs script, loads active content or leaves the allowed schemes."""
    tree = BeautifulSoup(html, "html.parser")
    assert tree.find_all(FORBIDDEN_TAGS) == []
    for element in tree.find_all(True):
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on"), f"{element.name} has {name}"
            assert name.lower() != "style", f"{element.name} has a style attribute"
            if name.lower() in URL_ATTRIBUTES:
                scheme = value.split(":", 1)[0].strip().lower() if ":" in value else ""
                assert scheme in ("", "http", "https", "mailto"), f"{name}={value!r}"


def article_region(response):
    return str(soup(response).select_one("article.article"))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_body_is_inert_on_the_page(client, payload):
    article = ArticleFactory(body=f"## Section\n\nBefore {payload} after.\n\n{payload}\n")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert_inert(article_region(response))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_faq_answer_is_inert_on_the_page(client, payload):
    faq = FAQFactory(answer=f"Yes. {payload}\n\n{payload}")
    response = client.get(faq.article.get_absolute_url())
    assert_inert(article_region(response))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_a_key_point_is_shown_as_text(client, payload):
    point = KeyPointFactory(title=payload, text=payload)
    response = client.get(point.article.get_absolute_url())
    region = article_region(response)
    assert_inert(region)
    item = BeautifulSoup(region, "html.parser").select_one(".key-points li")
    assert item.get_text() == f"{payload}: {payload}"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "ftp://example.org/x",
    ],
)
def test_a_reference_url_that_is_not_a_web_address_is_never_linked(client, url):
    reference = ReferenceFactory(url=url, doi="", pmid="")
    Reference.objects.filter(pk=reference.pk).update(url=url)  # as if saved without validation
    response = client.get(reference.article.get_absolute_url())
    region = article_region(response)
    assert_inert(region)
    item = BeautifulSoup(region, "html.parser").select_one("#ref-1")  # the article's only reference
    assert reference.title in item.get_text()
    assert [a["href"] for a in item.find_all("a")] == []


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "//evil.example/profile",
    ],
)
def test_a_profile_url_that_is_not_a_web_address_is_never_linked(client, url):
    article = ArticleFactory()
    Contributor.objects.filter(pk=article.author_id).update(profile_url=url)  # as if saved without validation
    response = client.get(article.author.get_absolute_url())
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert_inert(str(page.select_one("main")))
    assert "Profile elsewhere" not in response.content.decode()
    assert [a["href"] for a in page.select("a[href]") if "script" in a["href"] or "evil" in a["href"]] == []
    assert "sameAs" not in json_ld(page)["Person"]


def test_a_web_profile_url_is_linked(client):
    article = ArticleFactory()
    Contributor.objects.filter(pk=article.author_id).update(profile_url="https://hospital.example/ana")
    page = soup(client.get(article.author.get_absolute_url()))
    link = page.find("a", string="Profile elsewhere")
    assert link["href"] == "https://hospital.example/ana"
    assert json_ld(page)["Person"]["sameAs"] == "https://hospital.example/ana"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_inert_in_the_editor_preview(editor_client, payload):
    response = editor_client.post("/admin/markdownx/markdownify/", {"content": f"{payload}\n\n{payload}"})
    assert response.status_code == 200
    assert_inert(response.content.decode())


def test_preview_uses_the_sites_renderer(editor_client):
    response = editor_client.post(
        "/admin/markdownx/markdownify/",
        {"content": "## Risks\n\nToo much is harmful.[^smith2020]\n\n[[food-sources]]"},
    )
    html = response.content.decode()
    assert '<h2 id="risks">Risks</h2>' in html
    assert '<a href="#ref-1" id="cite-1">[1]</a>' in html  # numbered by first citation
    assert "[food sources table appears here]" in html


@pytest.mark.parametrize("path", ["/admin/markdownx/markdownify/", "/admin/markdownx/upload/"])
def test_editor_endpoints_refuse_anonymous_users(client, path):
    assert client.post(path, {"content": "# hi"}).status_code == 403
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/admin/markdownx/markdownify/", "/admin/markdownx/upload/"])
def test_editor_endpoints_refuse_signed_in_readers(client, reader, path):
    client.force_login(reader)
    assert client.post(path, {"content": "# hi"}).status_code == 403


def test_editor_endpoints_refuse_staff_who_cannot_edit_articles(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("helpdesk", is_staff=True))
    assert client.post("/admin/markdownx/markdownify/", {"content": "x"}).status_code == 403


def upload(client, name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/admin/markdownx/upload/",
        {"image": SimpleUploadedFile(name, content, content_type=content_type)},
        headers={"x-requested-with": "XMLHttpRequest"},
    )


@pytest.mark.parametrize(
    "fmt, ext, content_type",
    [
        ("PNG", "png", "image/png"),
        ("JPEG", "jpg", "image/jpeg"),
        ("GIF", "gif", "image/gif"),
        ("WEBP", "webp", "image/webp"),
    ],
)
def test_editors_can_upload_raster_images(editor_client, media_root, fmt, ext, content_type):
    response = upload(editor_client, f"photo.{ext}", image_bytes(fmt), content_type)
    assert response.status_code == 200
    code = response.json()["image_code"]
    assert code.startswith("![](/media/uploads/") and code.endswith(f".{ext})")
    assert len(list((media_root / "uploads").iterdir())) == 1


def test_upload_is_stored_under_its_real_type_whatever_its_name(editor_client, media_root):
    response = upload(editor_client, "page.html", image_bytes("PNG"), "image/png")
    assert response.json()["image_code"].endswith(".png)")
    assert [p.suffix for p in (media_root / "uploads").iterdir()] == [".png"]


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml"),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/png"),
        ("page.png", b"<html><script>alert(1)</script></html>", "image/png"),
        ("doc.pdf", b"%PDF-1.4 not an image", "application/pdf"),
    ],
)
def test_uploads_that_are_not_raster_images_are_refused(editor_client, media_root, name, content, content_type):
    response = upload(editor_client, name, content, content_type)
    assert response.status_code == 400
    assert not (media_root / "uploads").exists()


def test_uploads_over_five_megabytes_are_refused(editor_client, media_root):
    response = upload(editor_client, "big.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024), "image/png")
    assert response.status_code == 400
    assert "5.0" in response.content.decode()
    assert not (media_root / "uploads").exists()


def run_settings(module, **env):
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")}
    clean.update(ENV_FILE="", DJANGO_SETTINGS_MODULE=module, **env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=django_settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings("site_config.settings.prod", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_settings("site_config.settings.prod", SECRET_KEY="k" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_production_runs_with_debug_off_even_if_asked_otherwise():
    result = run_settings("site_config.settings.prod", SECRET_KEY="k" * 50, ALLOWED_HOSTS="example.org", DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_uploaded_images_are_served_with_their_type_and_far_future_caching(editor_client, client, media_root):
    code = upload(editor_client, "photo.png", image_bytes("PNG"), "image/png").json()["image_code"]
    url = code[len("![](") : -1]
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "path",
    [
        "/media/uploads/../../settings.py",
        "/media/uploads/notes.txt",
        "/media/uploads/00000000-0000-0000-0000-000000000000.png",
        "/media/other/secret.png",
    ],
)
def test_nothing_else_under_media_is_served(client, media_root, path):
    (media_root / "uploads").mkdir(exist_ok=True)
    (media_root / "uploads" / "notes.txt").write_text("private")
    assert client.get(path).status_code == 404
