"""Security headers every answer carries: Content-Security-Policy and Permissions-Policy.
(That the pages work under them is for tests/test_browser.py, in a real browser.)"""

import pytest

API = "/api/v1"


@pytest.mark.parametrize("path", ["/", f"{API}/episodes/", "/admin/login/"])
def test_every_answer_has_a_content_security_policy(client, db, path):
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "http" not in policy  # nothing from elsewhere


def test_the_permissions_policy_turns_off_what_the_site_never_uses(client, db):
    policy = client.get("/")["Permissions-Policy"]
    features = dict(part.strip().split("=", 1) for part in policy.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"
    assert features["autoplay"] == "(self)"


def test_the_api_answers_browsers_in_json_when_not_browsable(client, db, settings):
    assert "rest_framework.renderers.BrowsableAPIRenderer" not in str(
        settings.REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"]
    )
    response = client.get(f"{API}/episodes/", HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
