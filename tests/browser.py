"""Debian's Chromium driven by Playwright, launched the one way every browser test needs here:
headless, with the given binary (Playwright may not download its own) and without the background
traffic a closed network refuses."""

from playwright.sync_api import Browser, Page, Playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def open_page(browser: Browser, base_url: str, *, timeout: int = 15_000, **options) -> Page:
    """A page in a fresh context whose console errors (a style or script the Content Security
    Policy blocks, a failed load) are kept in `page.console_errors` for the test to check."""
    context = browser.new_context(base_url=base_url, **options)
    context.set_default_timeout(timeout)
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    return page
