"""Errors of the agent desk, each with an HTTP status and a stable code (public API)."""

from __future__ import annotations

from base.errors import HotlineError, InvalidInput, NotFound, ServiceUnavailable


class TransitionInvalid(HotlineError):
    """The order is not in a state where this move is allowed."""

    status = 409
    code = "order-transition-invalid"


class OrderNotFound(NotFound):
    code = "order-not-found"


class VoicemailNotFound(NotFound):
    code = "voicemail-not-found"


class AudioMissing(NotFound):
    code = "voicemail-audio-missing"


class OrderInputInvalid(InvalidInput):
    code = "order-input-invalid"


class NotSignedIn(HotlineError):
    status = 401
    code = "not-signed-in"


class Forbidden(HotlineError):
    status = 403
    code = "forbidden"


class ApiTokenInvalid(HotlineError):
    """A bearer token that is unknown, revoked, or past its rotation overlap."""

    status = 401
    code = "api-token-invalid"


class ApiScopeInsufficient(HotlineError):
    """A change asked with a token of the read scope."""

    status = 403
    code = "api-scope-insufficient"


class CsrfRejected(HotlineError):
    status = 403
    code = "csrf-token-invalid"


class SignInFailed(HotlineError):
    status = 401
    code = "sign-in-failed"


class SignInLocked(HotlineError):
    status = 429
    code = "sign-in-locked"


class CurrentPasswordWrong(HotlineError):
    """A password change with the wrong current password (not 401: the session stands)."""

    status = 403
    code = "password-current-wrong"


class PasswordChangeRequired(HotlineError):
    """Signed in with a one-time password: change it (POST /api/auth/password) first."""

    status = 403
    code = "password-change-required"


class UserExists(HotlineError):
    status = 409
    code = "user-exists"


class CallControlAbsent(ServiceUnavailable):
    code = "asterisk-ari-not-initialized"


class SmsSignatureInvalid(HotlineError):
    """An inbound SMS push without the right HMAC signature (or no secret is configured)."""

    status = 401
    code = "sms-signature-invalid"
