"""Sign-in through a local OpenID Connect provider over real HTTP: token, userinfo and JWKS
served on 127.0.0.1, ID token signed RS256 and checked against the provider's published key."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import override_settings

from tinhso.directory.models import Applicant, User

pytestmark = pytest.mark.django_db
CLIENT_ID, CLIENT_SECRET, KID = "tinhso-demo", "bi-mat-cua-ung-dung", "k1"


class Provider:
    """A minimal OpenID provider: issues one code's tokens for the configured person."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.claims = {"sub": "091190777777", "name": "Hà Văn Nam", "email": "nam@example.vn"}
        self.nonce = ""
        self.token_requests: list[dict[str, list[str]]] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _json(self, body: object, status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # the token endpoint
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                provider.token_requests.append(form)
                if form.get("code") != ["code-123"] or form.get("client_secret") != [CLIENT_SECRET]:
                    return self._json({"error": "invalid_grant"}, 400)
                now = int(time.time())
                id_token = jwt.encode(
                    {
                        "iss": provider.url,
                        "aud": CLIENT_ID,
                        "iat": now,
                        "exp": now + 300,
                        "nonce": provider.nonce,
                        **provider.claims,
                    },
                    provider.key,
                    algorithm="RS256",
                    headers={"kid": KID},
                )
                self._json({"access_token": "at-123", "token_type": "Bearer", "id_token": id_token})

            def do_GET(self) -> None:
                if self.path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    return self._json({"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]})
                if (
                    self.path == "/userinfo"
                    and self.headers.get("Authorization") == "Bearer at-123"
                ):
                    return self._json(provider.claims)
                return self._json({"error": "not_found"}, 404)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def settings(self) -> dict[str, str]:
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
        }


@pytest.fixture
def provider():
    p = Provider()
    yield p
    p.server.shutdown()


def sign_in(client, provider: Provider):  # type: ignore[no-untyped-def]
    """The browser's round trip: to the provider's authorize page, and back with a code."""
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302
    location = urlparse(start["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{provider.url}/authorize"
    query = parse_qs(location.query)
    assert query["client_id"] == [CLIENT_ID] and query["scope"] == ["openid profile"]
    provider.nonce = query["nonce"][0]
    return client.get(f"/oidc/callback/?code=code-123&state={query['state'][0]}")


def test_a_citizen_signs_in_with_the_national_identity(client, provider):
    with override_settings(**provider.settings()):
        done = sign_in(client, provider)
        assert done.status_code == 302
        user = User.objects.get(username="091190777777")
        assert (user.full_name, user.email) == ("Hà Văn Nam", "nam@example.vn")
        applicant = Applicant.objects.get(identifier="091190777777")
        assert applicant.user == user and applicant.eid_verified_at is not None
        assert client.get("/dich-vu-cong/ho-so/").status_code == 200  # signed in
        # a second sign-in finds the same account
        client.logout()
        assert sign_in(client, provider).status_code == 302
        assert User.objects.filter(username="091190777777").count() == 1


def test_a_known_applicant_is_linked_not_duplicated(client, provider):
    Applicant.objects.create(kind="citizen", identifier="091190777777", name="Hà Văn Nam")
    with override_settings(**provider.settings()):
        sign_in(client, provider)
    assert Applicant.objects.get().user.username == "091190777777"


def test_a_bad_identification_number_signs_no_one_in(client, provider):
    provider.claims["sub"] = "không-phải-cccd"
    with override_settings(**provider.settings()):
        response = sign_in(client, provider)
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?oidc=failed")
    page = client.get(response["Location"]).content.decode()
    assert "Không đăng nhập được bằng tài khoản định danh điện tử" in page
    assert not User.objects.exists()


def test_a_forged_state_is_refused(client, provider):
    with override_settings(**provider.settings()):
        client.get("/oidc/authenticate/")
        response = client.get("/oidc/callback/?code=code-123&state=forged")
    assert response.status_code == 400  # SuspiciousOperation: the state is not this session's
    assert not User.objects.exists() and provider.token_requests == []


def test_without_a_provider_the_views_do_not_exist(client):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404
    assert "định danh điện tử quốc gia" not in client.get("/accounts/login/").content.decode()


def test_the_login_page_offers_the_provider_when_configured(client, provider):
    with override_settings(**provider.settings()):
        html = client.get("/accounts/login/").content.decode()
    assert "Đăng nhập bằng tài khoản định danh điện tử quốc gia" in html
