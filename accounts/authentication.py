"""The three ways to identify a caller (conventions.md, Authentication), in one DRF class:
JWT bearer tokens, access tokens (`Authorization: Basic <token>`) and API keys (`X-API-KEY`)."""

from dataclasses import dataclass

from django.conf import settings
from rest_framework import authentication, exceptions

from accounts.services.api_keys import check_usable, find_usable_key, key_covers_user
from accounts.services.credentials import find_key_and_session
from accounts.services.secrets import keyed_hash
from accounts.services.tokens import session_for_token, session_is_usable, token_claims, user_for_access_token


@dataclass
class Credentials:
    kind: str  # "jwt", "access_token", "api_key"
    session: object = None
    api_key: object = None

    @property
    def impersonator_id(self):
        return getattr(self.session, "impersonator_id", None)


def client_address(request):
    return request.META.get("REMOTE_ADDR", "")


def sent_key(request):
    """The API key the request carried, as checked by CGAuthentication (None when none was sent)."""
    return getattr(request, "api_key", None) or getattr(getattr(request, "_request", None), "api_key", None)


def check_key_covers(request, user):
    """Sign-in: the API key sent must be one the user's later requests may carry (a key of the
    user's organization or an ancestor, or a platform key); else the token would be refused."""
    api_key = getattr(request, "api_key", None)
    if api_key is not None and not key_covers_user(api_key, user):
        raise exceptions.AuthenticationFailed("The API key does not belong to this user's organization")


class CGAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "").strip()
        together = self._bearer_with_key(request, header)
        if together is not None:
            return together
        api_key = self._api_key(request, with_user=not header)
        if not header:
            if api_key is not None and api_key.user is not None and api_key.user.is_active:
                return api_key.user, Credentials("api_key", api_key=api_key)
            return None
        scheme, _, token = header.partition(" ")
        scheme, token = scheme.lower(), token.strip()
        if scheme == "bearer":
            session = session_for_token(token)
            if session is None:
                raise exceptions.AuthenticationFailed("The token is invalid, expired or revoked")
            user, credentials = session.user, Credentials("jwt", session=session, api_key=api_key)
        elif scheme == "basic":
            user = user_for_access_token(token)
            if user is None:
                raise exceptions.AuthenticationFailed("The access token is invalid or revoked")
            credentials = Credentials("access_token", api_key=api_key)
        else:
            raise exceptions.AuthenticationFailed("Unsupported Authorization scheme (use Bearer or Basic)")
        if api_key is not None and not key_covers_user(api_key, user):
            raise exceptions.AuthenticationFailed("The API key does not belong to this user's organization")
        return user, credentials

    def _bearer_with_key(self, request, header):
        """A bearer token sent with an API key (what clients send): both checked in one query,
        with the same answers as the lookups one after the other. None when the request is not
        that case (or the token is malformed: the separate path then names what is wrong)."""
        scheme, _, token = header.partition(" ")
        secret = request.META.get("HTTP_X_API_KEY", "").strip()
        claims = token_claims(token.strip()) if secret and scheme.lower() == "bearer" else None
        if claims is None:
            return None
        jti, sub = claims
        found = find_key_and_session(keyed_hash(secret), jti)
        api_key, reason = check_usable(found and found.api_key, client_address(request))
        if api_key is None:
            raise exceptions.AuthenticationFailed(reason)
        request._request.api_key = api_key
        if not session_is_usable(found.session, sub):
            raise exceptions.AuthenticationFailed("The token is invalid, expired or revoked")
        if not found.key_covers_user:
            raise exceptions.AuthenticationFailed("The API key does not belong to this user's organization")
        return found.session.user, Credentials("jwt", session=found.session, api_key=api_key)

    def _api_key(self, request, with_user):
        secret = request.META.get("HTTP_X_API_KEY", "").strip()
        if not secret:
            if settings.API_KEY_REQUIRED:
                raise exceptions.AuthenticationFailed("An API key (X-API-KEY header) is required")
            return None
        api_key, reason = find_usable_key(secret, client_address(request), with_user=with_user)
        if api_key is None:
            raise exceptions.AuthenticationFailed(reason)
        request._request.api_key = api_key  # the checked key, for sign-in (check_key_covers)
        return api_key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
