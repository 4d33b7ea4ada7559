"""Staff sign-in: lockout (django-axes), a second factor (django-otp), session limits."""

import re
import subprocess
import sys
import time
from binascii import unhexlify
from unittest import mock

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from editorial import two_factor

from .helpers import production_env, signed_in, soup

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
LOGIN = "/admin/login/?next=/admin/"
required = override_settings(TWO_FACTOR_REQUIRED=True)


@pytest.fixture
def chief(django_user_model):
    return django_user_model.objects.create_superuser("chief", "chief@example.org", PASSWORD)


def sign_in(client, username="chief", password=PASSWORD, address="127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def code_for(key_hex, offset=0):
    totp = TOTP(unhexlify(key_hex))
    totp.drift = offset
    return f"{totp.token():06d}"


def app_for(user):
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def reaches_admin(client):
    return client.get("/admin/").status_code == 200


# Lockout


def test_a_username_is_locked_out_after_five_failures_even_with_the_right_password(chief):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, password="wrong", address=f"10.0.0.{attempt}")
        assert response.status_code == 200 and "Please enter the correct username and password" in response.text
    assert sign_in(client, password="wrong", address="10.0.0.99").status_code == 429
    locked = sign_in(client, address="10.0.1.1")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text and "Wait, then try again" in locked.text
    assert not reaches_admin(client)
    assert AccessAttempt.objects.filter(username="chief").exists()
    logged = AccessFailureLog.objects.filter(username="chief").order_by("attempt_time")
    assert [entry.locked_out for entry in logged] == [False] * (settings.AXES_FAILURE_LIMIT - 1) + [True, True]


def test_an_address_is_locked_out_whatever_username_it_tries(chief):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, username=f"guess{attempt}", password="wrong", address="10.9.9.9")
    assert sign_in(client, address="10.9.9.9").status_code == 429
    elsewhere = Client()
    assert sign_in(elsewhere, address="10.1.2.3").status_code == 302
    assert reaches_admin(elsewhere)


def test_a_success_clears_the_failures_of_that_account(chief):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, password="wrong")
    assert sign_in(client).status_code == 302
    client.post("/admin/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, password="wrong")
    assert sign_in(client).status_code == 302


# A second factor, required


@required
def test_staff_without_a_device_enrol_before_they_are_signed_in(chief):
    client = Client()
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == "/admin/login/enrol/"
    assert not reaches_admin(client)
    page = client.get("/admin/login/enrol/")
    assert page.status_code == 200
    svg = soup(page).select_one(".two-factor-qr svg")
    assert svg is not None and svg.find("path") is not None
    assert not soup(page).select(".two-factor-enrol img[src^=http], script[src^=http]")
    key = client.session[two_factor.ENROL_KEY]
    secret = soup(page).select_one(".two-factor-secret").text.replace(" ", "")
    assert unhexlify(key) == __import__("base64").b32decode(secret)

    wrong = client.post("/admin/login/enrol/", {"code": "000000" if code_for(key) != "000000" else "111111"})
    assert wrong.status_code == 200 and "That code does not match" in wrong.text
    assert not TOTPDevice.objects.exists()

    done = client.post("/admin/login/enrol/", {"code": code_for(key)})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert TOTPDevice.objects.get(user=chief).confirmed
    assert StaticToken.objects.filter(device__user=chief).count() == two_factor.RECOVERY_CODES
    assert reaches_admin(client)
    codes = [code.text for code in soup(client.get("/admin/two-step/")).select(".two-factor-codes code")]
    assert sorted(codes) == sorted(StaticToken.objects.values_list("token", flat=True))
    assert not soup(client.get("/admin/two-step/")).select(".two-factor-codes")  # shown once


@required
def test_staff_with_a_device_give_a_code_after_the_password(chief):
    device = app_for(chief)
    client = Client()
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == "/admin/login/code/"
    assert not reaches_admin(client)
    wrong = client.post("/admin/login/code/", {"code": "12345"})
    assert wrong.status_code == 200 and "That code is not right" in wrong.text
    assert "wait 1 seconds" in wrong.text  # django-otp's pause after a wrong code
    device.refresh_from_db()
    device.throttle_reset()
    done = client.post("/admin/login/code/", {"code": code_for(device.key)})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert reaches_admin(client)


@required
def test_a_recovery_code_signs_in_once(chief):
    app_for(chief)
    codes = two_factor.new_recovery_codes(chief)
    first = Client()
    sign_in(first)
    assert first.post("/admin/login/code/", {"code": codes[0].upper()}).status_code == 302
    assert reaches_admin(first)
    again = Client()
    sign_in(again)
    assert "That code is not right" in again.post("/admin/login/code/", {"code": codes[0]}).text
    assert not reaches_admin(again)
    assert StaticToken.objects.count() == two_factor.RECOVERY_CODES - 1


@required
def test_wrong_codes_count_towards_the_lockout(chief):
    app_for(chief)
    client = Client()
    sign_in(client)
    responses = [client.post("/admin/login/code/", {"code": "000001"}) for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert responses[-1].status_code == 429 and "Too many failed sign-ins" in responses[-1].text
    assert not reaches_admin(client)


@required
def test_the_code_step_times_out(chief):
    device = app_for(chief)
    client = Client()
    sign_in(client)
    later = time.time() + two_factor.PENDING_SECONDS + 1
    with mock.patch("editorial.two_factor.time.time", return_value=later):
        response = client.post("/admin/login/code/", {"code": code_for(device.key)}, follow=True)
    assert "Please sign in again" in response.text
    assert not reaches_admin(client)


def test_the_code_step_without_a_password_step_starts_over(chief):
    for url in ("/admin/login/code/", "/admin/login/enrol/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/login/"


@required
def test_a_session_without_a_second_factor_is_signed_out(chief, seed_article):
    client = signed_in(chief)  # a session made some other way than the two steps
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session


# A second factor, optional (make run)


def test_where_optional_staff_sign_in_with_a_password_and_can_enrol(chief):
    client = Client()
    assert sign_in(client).status_code == 302 and reaches_admin(client)
    account = client.get("/admin/two-step/")
    assert "Two-step sign-in is off" in account.text
    enrol = client.get("/admin/login/enrol/")
    assert "each sign-in will also ask for a code" in enrol.text and "replaces the one you use now" not in enrol.text
    key = client.session[two_factor.ENROL_KEY]
    assert client.post("/admin/login/enrol/", {"code": code_for(key)})["Location"] == "/admin/two-step/"
    assert "Two-step sign-in is on" in client.get("/admin/two-step/").text
    assert "replaces the one you use now" in client.get("/admin/login/enrol/").text
    client.post("/admin/logout/")
    assert sign_in(client)["Location"] == "/admin/login/code/"


def test_new_recovery_codes_replace_the_old(chief):
    app_for(chief)
    old = set(two_factor.new_recovery_codes(chief))
    client = signed_in(chief)
    page = client.post("/admin/two-step/", {"recovery": "1"}, follow=True)
    shown = {code.text for code in soup(page).select(".two-factor-codes code")}
    assert len(shown) == two_factor.RECOVERY_CODES and not shown & old
    assert set(StaticToken.objects.values_list("token", flat=True)) == shown


# Sessions


def test_the_session_cookie_ends_with_the_browser(chief):
    response = sign_in(Client())
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


def test_a_staff_session_ends_after_twelve_hours_however_active(chief):
    client = Client()
    sign_in(client)
    assert reaches_admin(client)
    later = time.time() + 12 * 60 * 60 - 60
    with mock.patch("editorial.two_factor.time.time", return_value=later):
        assert reaches_admin(client)
    with mock.patch("editorial.two_factor.time.time", return_value=later + 120):
        response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_production_settings_require_a_second_factor():
    code = "from django.conf import settings; print(settings.TWO_FACTOR_REQUIRED, settings.SESSION_COOKIE_AGE)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert re.fullmatch(r"True 43200\n", result.stdout)


def test_the_admin_never_shows_anyone_s_secret(chief, django_user_model):
    editor = django_user_model.objects.create_user("ed", password=PASSWORD, is_staff=True)
    device = app_for(editor)
    codes = two_factor.new_recovery_codes(editor)
    client = signed_in(chief)
    pages = [
        client.get("/admin/otp_totp/totpdevice/"),
        client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/"),
        client.get(f"/admin/otp_static/staticdevice/{device.user.staticdevice_set.get().pk}/change/"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert device.key not in page.text and not any(code in page.text for code in codes)
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403


def test_every_admin_page_links_to_two_step_sign_in(chief, seed_article):
    client = signed_in(chief)
    for url in ("/admin/", "/admin/articles/article/", f"/admin/articles/article/{seed_article.pk}/change/"):
        links = soup(client.get(url)).select("#user-tools a[href='/admin/two-step/']")
        assert [link.text for link in links] == ["Two-step sign-in"]
