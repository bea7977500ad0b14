"""The admin sign-in: a form that takes ``settings.web.auth.admin_password`` (and a CSRF
token) and sets the signed admin session cookie; signing out clears it. Every attempt is
logged, never the password.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from monitor.web.context import audit, checked_form, field_text, log, web_of
from monitor.web.security import ADMIN_COOKIE, ADMIN_SESSION, cookie_header, csrf_seed, is_https


def admin_page(request: Request) -> Response:
    """GET /admin: the sign-in form, or who is signed in."""
    return web_of(request).page(request, "admin.html.j2", failed=False)


async def sign_in(request: Request) -> Response:
    """POST /admin/signin: check the admin password; on success set the session cookie."""
    web = web_of(request)
    form = await checked_form(request)
    if not web.access.admin_password_ok(field_text(form, "password", 1000)):
        peer = request.client.host if request.client else "?"
        log.warning("web: admin sign-in refused (from %s)", peer)
        return web.page(request, "admin.html.j2", status=403, failed=True)
    audit(request, "admin signed in")
    response = RedirectResponse("/admin", 303)
    value = web.access.admin_cookie(csrf_seed(request))
    secure = is_https(request, web.access)
    response.headers.append(
        "set-cookie", cookie_header(ADMIN_COOKIE, value, secure=secure, max_age=ADMIN_SESSION)
    )
    return response


async def sign_out(request: Request) -> Response:
    """POST /admin/signout: clear the session cookie."""
    web = web_of(request)
    await checked_form(request)
    if web.access.is_admin(request):
        audit(request, "admin signed out")
    response = RedirectResponse("/admin", 303)
    secure = is_https(request, web.access)
    response.headers.append("set-cookie", cookie_header(ADMIN_COOKIE, "", secure=secure, max_age=0))
    return response
