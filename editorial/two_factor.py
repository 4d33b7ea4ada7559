"""Staff sign-in in two steps: a password, then a code (django-otp).

1. The password step is Django's admin login form; django-axes counts its failures
   and locks out a username, or an address, after a few.
2. A user with a device is not signed in yet: the session holds who passed the
   password step (for a few minutes), and the code step signs them in once a code
   from their authenticator app (TOTP) or one of their recovery codes matches.
   Wrong codes count as failed logins for django-axes too.
3. With TWO_FACTOR_REQUIRED (the production settings), staff without a device are
   enrolled before they are signed in: a QR code drawn here as SVG (no request
   leaves the site), the secret for typing in, and a first code to confirm it;
   then ten recovery codes, shown once.

`StaffSessionMiddleware` ends a session after STAFF_SESSION_SECONDS whatever
its activity, and any session that is not verified when a second factor is
required, so only a verified session reaches the admin or drafts on the site.
"""

import math
import time
from base64 import b32encode
from binascii import unhexlify

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model, logout
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited

PENDING = "two_factor_pending"
ENROL_KEY = "two_factor_enrol_key"
NEW_CODES = "two_factor_new_codes"
SIGNED_IN_AT = "signed_in_at"
PENDING_SECONDS = 5 * 60
RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def required():
    return settings.TWO_FACTOR_REQUIRED


def is_verified(user):
    """Whether the user's session passed a second factor (django-otp's middleware tells)."""
    return getattr(user, "is_verified", lambda: False)()


# Step 1: the password.


class PasswordStep(LoginView):
    authentication_form = AdminAuthenticationForm
    template_name = "admin/login.html"

    def form_valid(self, form):
        user = form.get_user()
        has_device = any(devices_for_user(user))
        if not has_device and not (required() and user.is_staff):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("admin:two_factor_verify" if has_device else "admin:two_factor_enrol")


@sensitive_post_parameters()
@never_cache
def password_step(request, *, site, extra_context=None):
    """The admin site's login view, as Django's, with PasswordStep for the form's success."""
    if is_ratelimited(request, group="login", key="ip", rate="site_config.limits.rate", method="POST", increment=True):
        raise Ratelimited
    if request.method == "GET" and site.has_permission(request):
        return redirect("admin:index")
    context = {
        **site.each_context(request),
        "title": "Log in",
        "subtitle": None,
        "app_path": request.get_full_path(),
        "username": request.user.get_username(),
    }
    if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
        context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=site.name)
    context.update(extra_context or {})
    request.current_app = site.name
    return PasswordStep.as_view(extra_context=context)(request)


def pending_user(request):
    """Who passed the password step in this session in the last few minutes, or None."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    user = get_user_model()._default_manager.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def finish(request, user, device):
    """Sign the user in, verified by `device`; back to where they were going."""
    next_url = request.session.get(PENDING, {}).get("next", "")
    auth_login(request, user, backend=user.backend)
    otp_login(request, device)
    request.session.pop(PENDING, None)
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = reverse("admin:index")
    return redirect(next_url)


def start_over(request):
    messages.error(request, "Your sign-in has timed out or was not started. Please sign in again.")
    request.session.pop(PENDING, None)
    return redirect("admin:login")


# Step 2: the code.


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "numeric"}),
        help_text="The six digits your authenticator app shows, or one of your recovery codes.",
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).replace("-", "").lower()


@sensitive_post_parameters()
@never_cache
def verify(request, *, site):
    user = pending_user(request)
    if user is None:
        return start_over(request)
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return get_lockout_response(request, credentials=credentials)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is not None:
            return finish(request, user, device)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if not AxesProxyHandler.is_allowed(request, credentials):
            return get_lockout_response(request, credentials=credentials)
        form.add_error("code", wrong_code_message(user))
    context = {**site.each_context(request), "title": "Enter your code", "form": form, "username": user}
    return render(request, "admin/two_factor/verify.html", context)


def wrong_code_message(user):
    """django-otp makes an app wait longer after each wrong code; say how long."""
    message = "That code is not right. Codes change every 30 seconds; try the current one."
    app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    allowed, why = app.verify_is_allowed() if app else (True, None)
    if not allowed and why.get("locked_until"):
        wait = max(1, math.ceil((why["locked_until"] - timezone.now()).total_seconds()))
        message += f" After wrong codes, the next one is checked only after a pause: wait {wait} seconds."
    return message


# Enrolment: an authenticator app and recovery codes.


def qr_svg(url):
    """The otpauth URL as an inline SVG QR code, drawn here: the secret never leaves the site."""
    svg = segno.make(url, error="m").svg_inline(
        scale=4, border=4, light="#fff", title="QR code for your authenticator app"
    )
    return mark_safe(svg)  # noqa: S308 -- segno's own markup; the URL inside it is escaped by segno


def new_recovery_codes(user):
    """Replace the user's recovery codes with ten new ones; the codes, for showing once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@sensitive_post_parameters()
@never_cache
def enrol(request, *, site):
    """Set up an authenticator app: on first sign-in (pending) or from the account page."""
    signed_in = request.user.is_authenticated and request.user.is_staff
    user = request.user if signed_in else pending_user(request)
    if user is None:
        return start_over(request)
    key = request.session.setdefault(ENROL_KEY, random_hex(20))
    device = TOTPDevice(user=user, key=key, name=APP_DEVICE_NAME, confirmed=True)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        totp = TOTP(unhexlify(key), step=device.step, t0=device.t0, digits=device.digits)
        code = form.cleaned_data["code"]
        if code.isdigit() and totp.verify(int(code), tolerance=device.tolerance):
            device.last_t = totp.t()
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).delete()
                device.save()
                request.session[NEW_CODES] = new_recovery_codes(user)
            del request.session[ENROL_KEY]
            if not signed_in:
                return finish(request, user, device)
            otp_login(request, device)
            return redirect("admin:two_factor")
        form.add_error("code", "That code does not match. Scan the QR code again, then enter the code it shows now.")
    context = {
        **site.each_context(request),
        "title": "Set up two-step sign-in",
        "form": form,
        "qr": qr_svg(device.config_url),
        "secret": " ".join(chunks(b32encode(unhexlify(key)).decode(), 4)),
        "username": user,
        "signed_in": signed_in,
        "has_app": signed_in and TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    }
    return render(request, "admin/two_factor/enrol.html", context)


def chunks(text, size):
    return [text[start : start + size] for start in range(0, len(text), size)]


@never_cache
def account(request, *, site):
    """Two-step sign-in for the signed-in user: its state, new recovery codes (shown once)."""
    user = request.user
    if request.method == "POST" and "recovery" in request.POST and any(devices_for_user(user)):
        request.session[NEW_CODES] = new_recovery_codes(user)
        messages.success(request, "New recovery codes made: the old ones no longer work.")
        return redirect("admin:two_factor")
    app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    recovery = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()
    context = {
        **site.each_context(request),
        "title": "Two-step sign-in",
        "app": app,
        "codes_left": recovery.token_set.count() if recovery else 0,
        "new_codes": request.session.pop(NEW_CODES, None),
        "required": required(),
    }
    return render(request, "admin/two_factor/account.html", context)


# Sessions.


@receiver(user_logged_in, dispatch_uid="editorial_signed_in_at")
def stamp_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()


class StaffSessionMiddleware:
    """Ends a session past its age, or unverified where a second factor is required.

    After django-otp's middleware. Requests without a session cookie (readers)
    pass untouched, without a query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT, 0)
            too_old = time.time() - signed_in_at > settings.STAFF_SESSION_SECONDS
            unverified = required() and not is_verified(request.user)
            if too_old or unverified:
                logout(request)
        return self.get_response(request)
