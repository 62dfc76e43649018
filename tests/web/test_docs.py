"""/docs runs the real Swagger UI from the installed package, offline, and takes the API token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from classifier.model import Classifier
from tests.web.test_hardening import make_app, serving
from tests.web.test_pages import CHROMIUM, CHROMIUM_ARGS, PASSWORD, login_client, needs_chromium


def test_the_swagger_files_come_from_the_package_and_nothing_else_does(
    classifier: Classifier, tmp_path: Path
) -> None:
    app = make_app(classifier, tmp_path)
    with serving(app) as url, httpx.Client(base_url=url) as client:
        assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 303  # login first
        login_client(client)
        page = client.get("/docs").text
        assert 'src="/docs/assets/swagger-ui-bundle.js"' in page and "cdn" not in page
        script = client.get("/docs/assets/swagger-ui-bundle.js")
        assert script.status_code == 200 and "SwaggerUIBundle" in script.text
        assert script.headers["content-type"].startswith("text/javascript")
        assert client.get("/docs/assets/swagger-ui.css").status_code == 200
        assert client.get("/docs/assets/redoc.standalone.js").status_code == 404
        assert client.get("/docs/assets/..%2F..%2Fcore.py").status_code == 404
        spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert spec["paths"]["/v1/messages"]["get"]["security"] == [{"HTTPBearer": []}]


@needs_chromium
def test_docs_render_offline_and_authorize_sends_the_token(
    classifier: Classifier, tmp_path: Path
) -> None:
    app = make_app(classifier, tmp_path, web_host="127.0.0.1")
    token = app.state.auth.new_api_token()
    with serving(app) as url:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            outside: list[str] = []
            violations: list[str] = []

            def only_here(route: Any) -> None:
                # no network here: anything not asked of this server is refused and counted
                if route.request.url.startswith(url):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", only_here)
            page.on(
                "console",
                lambda m: violations.append(m.text) if "Content Security" in m.text else None,
            )
            page.goto(url + "/login?next=/docs")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector(".opblock-summary-path:has-text('/v1/messages')")

            page.click("button.authorize")
            page.fill(".modal-ux input[type=text]", token)
            page.click(".modal-ux button.authorize")
            page.click(".modal-ux button.btn-done")
            page.click("#operations-mail-list_messages_v1_messages_get .opblock-summary")
            page.click("#operations-mail-list_messages_v1_messages_get button.try-out__btn")
            with page.expect_response(lambda r: "/v1/messages" in r.url) as answer:
                page.click("#operations-mail-list_messages_v1_messages_get button.execute")
            response = answer.value
            sent = response.request.headers.get("authorization")
            browser.close()
    assert sent == f"Bearer {token}"
    assert response.status == 200
    assert outside == [] and violations == []
