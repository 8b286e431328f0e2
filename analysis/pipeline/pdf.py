"""HTML report -> A4 PDF with headless Chromium's print-to-PDF (``build --pdf``).

The system Chromium (Debian's ``chromium`` package) is driven through Playwright with
``executable_path``: no browser is downloaded. Each run starts Chromium with a fresh, temporary
profile and no background networking, and the page may load nothing but its own file, so a PDF
is made from exactly what a reader of the HTML sees, offline. Page size, margins and page
numbers come from the report's print CSS (``@page``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: Set to a Chromium binary to use instead of the first of CHROMIUM_CANDIDATES found.
CHROMIUM_ENV = "MALI_CHROMIUM"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
#: Quiet, private, offline: no sync, no component updates, no QUIC, no first-run pages.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
_TIMEOUT_MS = 60_000
#: Opens every <details> (the appendix's sections) before printing; the page itself has no script.
OPEN_DETAILS = "document.querySelectorAll('details').forEach(d => { d.open = true; })"


class PdfError(RuntimeError):
    """A PDF could not be written; the message says why and what to do."""


def find_chromium() -> Path | None:
    """The Chromium binary to print with: $MALI_CHROMIUM, else a system one, else None."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        return Path(named) if Path(named).is_file() else None
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    return None


def check_available() -> Path:
    """The Chromium binary, or a PdfError saying how to install it (before a build starts)."""
    try:
        import playwright.sync_api  # noqa: F401, PLC0415 (is the pdf extra installed?)
    except ImportError:
        raise PdfError(
            "--pdf needs the Python package playwright (pip install -e '.[pdf]')."
        ) from None
    chromium = find_chromium()
    if chromium is None:
        raise PdfError(
            "--pdf needs Chromium: install it with `apt-get install chromium` (or set "
            f"{CHROMIUM_ENV} to a Chromium or Chrome binary)."
        )
    return chromium


@contextmanager
def browser_context(chromium: Path | None = None) -> Iterator[Any]:
    """A headless Chromium with a fresh temporary profile, closed (and the profile deleted) after."""
    # heavy dependency: imported only when this runs, so the command starts fast
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (heavy: loaded when used)

    executable = chromium or check_available()
    profile = tempfile.mkdtemp(prefix="mali-reports-chromium-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=str(executable),
                headless=True,
                args=list(CHROMIUM_ARGS),
                offline=True,
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _only_the_file(route: Any) -> None:
    url = route.request.url
    if url.startswith(("file:", "data:", "about:")):
        route.continue_()
    else:
        route.abort()


def print_pdf(context: Any, html_path: Path, pdf_path: Path) -> Path:
    """Print one HTML file to an A4 PDF (written atomically); returns the PDF's path."""
    page = context.new_page()
    temporary = pdf_path.with_name(f".{pdf_path.name}.{os.getpid()}.tmp")
    try:
        page.route("**/*", _only_the_file)
        page.goto(html_path.resolve().as_uri(), wait_until="load", timeout=_TIMEOUT_MS)
        page.emulate_media(media="print")
        # The appendix's sections are closed <details> on screen; the PDF prints them in full.
        page.evaluate(OPEN_DETAILS)
        page.pdf(
            path=str(temporary),
            format="A4",
            print_background=True,
            prefer_css_page_size=True,
            outline=True,
            tagged=True,
        )
        os.replace(temporary, pdf_path)
    except Exception as exc:
        temporary.unlink(missing_ok=True)
        raise PdfError(f"{html_path.name}: Chromium could not print it ({exc})") from exc
    finally:
        page.close()
    return pdf_path


def write_pdfs(html_paths: Sequence[Path], chromium: Path | None = None) -> dict[Path, str]:
    """Print each HTML file to ``<same name>.pdf`` beside it; returns {html path: error} for failures."""
    errors: dict[Path, str] = {}
    if not html_paths:
        return errors
    try:
        with browser_context(chromium) as context:
            for html_path in html_paths:
                try:
                    print_pdf(context, html_path, html_path.with_suffix(".pdf"))
                except PdfError as exc:
                    errors[html_path] = str(exc)
    except PdfError as exc:
        return {path: str(exc) for path in html_paths}
    except Exception as exc:  # Chromium did not start: every report is without its PDF
        message = f"Chromium did not start ({type(exc).__name__}: {str(exc).splitlines()[0]})"
        return {path: message for path in html_paths}
    return errors
