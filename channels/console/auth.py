"""Console sessions and CSRF tokens.

* Session: a random id in the `console_sessions` table (with its expiry), sent to the browser only
  signed and time-stamped (itsdangerous) in an HttpOnly, SameSite=Strict cookie scoped to /console.
  A cookie is refused when its signature is wrong, when it is older than the session lifetime, or when
  its row is gone or expired (logout, purge).
* CSRF: every form carries a token signed over the session id; a token from another session, a
  tampered one or none at all is refused (403). The login form, before any session exists, carries a
  token signed over a random nonce that is also in a short-lived cookie (10 minutes); the nonce is
  used up when the form is sent (cases.service.use_login_nonce), so a form works once.
* The client address, for login throttling: the peer, or, when the peer is a trusted reverse proxy
  (LABOURBOT_TRUSTED_PROXIES), the last address in X-Forwarded-For no trusted proxy added
  (channels/limits.py request_client). Plain-http cookies (secure_cookies False) are for loopback only:
  channels/console/access.py LoopbackOnly.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, Optional

from fastapi import Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "lb_console"
LOGIN_COOKIE = "lb_console_login"
COOKIE_PATH = "/console"
LOGIN_TTL_S = 600
LOGIN_NONCE_KEEP = timedelta(seconds=LOGIN_TTL_S + 60)  # used nonces are kept longer than a form lives


@dataclass(frozen=True)
class Signer:
    secret: str
    session_ttl_s: int
    secure_cookies: bool

    def _serializer(self, salt: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt=salt)

    # ---- session cookie ----------------------------------------------------------------------------

    def session_cookie(self, session_id: str) -> str:
        return self._serializer("console-session").dumps(session_id)

    def session_id(self, request: Request) -> Optional[str]:
        """The session id of a valid, unexpired cookie, or None."""
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            return None
        try:
            value = self._serializer("console-session").loads(cookie, max_age=self.session_ttl_s)
        except BadSignature:  # includes SignatureExpired
            return None
        return value if isinstance(value, str) else None

    def set_session(self, response: Response, session_id: str) -> None:
        response.set_cookie(SESSION_COOKIE, self.session_cookie(session_id), max_age=self.session_ttl_s,
                            path=COOKIE_PATH, httponly=True, samesite="strict", secure=self.secure_cookies)

    def clear_session(self, response: Response) -> None:
        response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict",
                               secure=self.secure_cookies)

    # ---- CSRF ----------------------------------------------------------------------------------------

    def csrf_token(self, session_id: str) -> str:
        return self._serializer("console-csrf").dumps(session_id)

    def csrf_ok(self, token: Optional[str], session_id: str) -> bool:
        if not token:
            return False
        try:
            value = self._serializer("console-csrf").loads(token, max_age=self.session_ttl_s)
        except BadSignature:
            return False
        return isinstance(value, str) and hmac.compare_digest(value, session_id)

    # ---- login form (no session yet) ---------------------------------------------------------------

    def login_form(self, response_factory: "Callable[[str], Response]") -> Response:
        """A login page: `response_factory(token)` renders it; the nonce cookie is set on the result."""
        nonce = secrets.token_urlsafe(24)
        response = response_factory(self._serializer("console-login-csrf").dumps(nonce))
        response.set_cookie(LOGIN_COOKIE, self._serializer("console-login").dumps(nonce), max_age=LOGIN_TTL_S,
                            path=COOKIE_PATH, httponly=True, samesite="strict", secure=self.secure_cookies)
        return response

    def login_nonce(self, request: Request, token: Optional[str]) -> Optional[str]:
        """The nonce of a genuine, unexpired login form sent with its own cookie, or None. Whether the
        form was already used is for the caller to ask the database."""
        cookie = request.cookies.get(LOGIN_COOKIE)
        if not cookie or not token:
            return None
        try:
            nonce = self._serializer("console-login").loads(cookie, max_age=LOGIN_TTL_S)
            given = self._serializer("console-login-csrf").loads(token, max_age=LOGIN_TTL_S)
        except BadSignature:
            return None
        if isinstance(nonce, str) and isinstance(given, str) and hmac.compare_digest(nonce, given):
            return nonce
        return None
