"""Headless Chromium (Debian's, never a downloaded one) against the live server.

Without /usr/bin/chromium the browser tests are skipped, unless REQUIRE_BROWSER=1
(as in CI), when they fail instead.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise
# refuse database access from the test body.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is not installed (apt-get install -y chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open pages on the live server: new_page(viewport=..., java_script_enabled=...)."""
    contexts = []

    def open_page(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under tests/artifacts/ when SCREENSHOTS=1."""

    def save(page, name: str) -> None:
        if os.environ.get("SCREENSHOTS") == "1":
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return save


def has_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
