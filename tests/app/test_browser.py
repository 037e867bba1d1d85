"""The app in a real browser: `streamlit run app.py` on loopback, driven by headless Chromium.

Needs Debian's chromium at /usr/bin/chromium (Playwright cannot download a browser here).
Each page is tried in English and in 中文 (the sidebar switch); the Chinese run needs a CJK font
(`.ci/run` installs Debian's fonts-noto-cjk), or its labels would paint as empty boxes.
UPDATE_SCREENSHOTS=1 also copies the README's screenshots to docs/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from app_library import app_environment, copy_library
from repo_paths import ROOT

CHROMIUM = Path("/usr/bin/chromium")
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
README_SHOTS = {"read.png", "ask.png", "concepts-zh.png", "read-equation.png", "practice.png"}
LANGUAGES = ["en", "zh"]
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}
WAIT_MS = 90_000  # the first question waits for the model on a cold, busy CI machine

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)"
    ),
]
sync_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a loopback port against a small real index."""
    library = copy_library(built, tmp_path_factory.mktemp("browser-library"))
    port = free_port()
    log = (library / "streamlit.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
        cwd=ROOT,
        env=app_environment(library / "index", library / "papers.yaml"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(
                        "streamlit did not start:\n" + (library / "streamlit.log").read_text()
                    )
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api.expect.set_options(timeout=WAIT_MS)  # its own default (5 s) ignores the page's
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    yield tab
    context.close()


def idle(tab: Any) -> None:
    """Wait until Streamlit has finished the current run (its 'Running…' widget is gone)."""
    tab.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')")
    tab.wait_for_timeout(300)


def has_cjk_font() -> bool:
    found = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


def open_in(tab: Any, url: str, language: str) -> None:
    """Open a page and pick the language in the sidebar (the pick is remembered server-side,
    so every test sets its own)."""
    if language == "zh" and not has_cjk_font():
        pytest.fail("no CJK font: apt-get install fonts-noto-cjk (.ci/run does)")
    tab.goto(url)
    idle(tab)
    choice = tab.get_by_role("radio", name=LANGUAGE_NAMES[language], exact=True)
    if not choice.is_checked():
        choice.click(force=True)  # the input itself is hidden behind Streamlit's styled label
        idle(tab)


def save(tab: Any, tmp_path: Path, name: str) -> Path:
    shot = tmp_path / name
    tab.screenshot(path=str(shot))
    if os.environ.get("UPDATE_SCREENSHOTS") == "1" and name in README_SHOTS:
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, DOCS_SCREENSHOTS / name)
    return shot


LIBRARY_WORDS = {
    "en": ("Papers ingested", "Stage 1 · weeks 1-2", "not fetched"),
    "zh": ("已导入论文", "第 1 阶段 · 第 1-2 周", "未下载"),
}


def test_the_library_paints_quickly_on_loopback(app_url: str, page: Any) -> None:
    expect = sync_api.expect
    started = time.perf_counter()
    page.goto(app_url)
    expect(page.get_by_text("Reading list").or_(page.get_by_text("阅读清单"))).to_be_visible()
    first_paint = time.perf_counter() - started
    assert first_paint < 15, f"first paint took {first_paint:.1f}s"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_library_shows_the_plan_in_the_chosen_language(
    app_url: str, page: Any, language: str, tmp_path: Path
) -> None:
    expect = sync_api.expect
    open_in(page, app_url, language)
    for words in LIBRARY_WORDS[language]:
        expect(page.get_by_text(words).first).to_be_visible()
    if language == "zh":
        expect(page.get_by_text("缩放点积注意力，为什么要除以 sqrt(d_k)")).to_be_visible()
    idle(page)
    save(page, tmp_path, f"library-{language}.png")


def test_looking_up_gelu_shows_its_definition_and_related_chips(
    app_url: str, page: Any, tmp_path: Path
) -> None:
    expect = sync_api.expect
    open_in(page, f"{app_url}/concepts", "en")  # typed before the page is live, a term is lost
    box = page.get_by_label("Look up a term")
    box.fill("GELU")
    box.press("Enter")
    expect(page.get_by_text("GELU (Gaussian Error Linear Unit)")).to_be_visible()
    expect(page.get_by_text("From the papers")).to_be_visible()
    expect(
        page.get_by_text("standard Gaussian cumulative distribution function").first
    ).to_be_visible()
    expect(page.get_by_text("not a quote from a paper")).to_be_visible()
    idle(page)
    save(page, tmp_path, "concepts.png")
    page.get_by_role("radio", name="ReLU", exact=True).click()  # a chip
    expect(page.get_by_role("heading", name="ReLU")).to_be_visible()
    expect(page.get_by_label("Look up a term")).to_have_value("ReLU")  # it waits for the redraw


def test_in_chinese_a_concept_typed_in_chinese_shows_both_names_and_the_paper(
    app_url: str, page: Any, tmp_path: Path
) -> None:
    expect = sync_api.expect
    open_in(page, f"{app_url}/concepts", "zh")
    box = page.get_by_label("查一个术语")
    box.fill("位置编码")
    box.press("Enter")
    expect(page.get_by_role("heading", name="位置编码 → positional encoding")).to_be_visible()
    expect(page.get_by_text("按英文检索：positional encoding")).to_be_visible()
    expect(page.get_by_text("论文中的定义")).to_be_visible()
    expect(page.get_by_text("为本项目编写，不是论文原文")).to_be_visible()
    expect(page.get_by_text("positional encodings").first).to_be_visible()  # the paper, English
    idle(page)
    save(page, tmp_path, "concepts-zh.png")


def test_asking_a_question_cites_a_passage_that_opens_in_read(
    app_url: str, page: Any, tmp_path: Path
) -> None:
    expect = sync_api.expect
    open_in(page, f"{app_url}/ask", "en")
    question = "Why is the dot product scaled by one over the square root of d_k in attention?"
    page.get_by_label("Your question").fill(question)
    started = time.perf_counter()
    page.get_by_role("button", name="Ask").click()
    citation = page.locator("a[href*='read?paper=1706.03762']").first
    expect(citation).to_be_visible()
    answered = time.perf_counter() - started
    expect(page.get_by_text("Supporting passages")).to_be_visible()
    assert "Transformer" in citation.inner_text()
    idle(page)
    save(page, tmp_path, "ask.png")

    citation.click()
    expect(page.get_by_text("I have read this section")).to_be_visible()
    expect(page.get_by_role("heading", name="Scaled Dot-Product Attention").first).to_be_visible()
    expect(page.get_by_text("highlighted: the cited passage")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]section=.*[?&]page=4|[?&]page=4.*[?&]section="))
    idle(page)
    save(page, tmp_path, "read.png")
    print(f"answered in {answered:.1f}s")  # shown with -s; the figure goes in the report


def test_a_method_section_draws_its_equation_from_the_pdf(
    app_url: str, page: Any, tmp_path: Path
) -> None:
    query = urllib.parse.urlencode({"paper": "1706.03762", "section": "3.2.1", "page": "4"})
    open_in(page, app_url, "en")
    page.goto(f"{app_url}/read?{query}")
    expect = sync_api.expect
    equation = page.locator("[data-testid=stImage]").filter(has_text="Equation (1) · p.4")
    expect(equation).to_be_visible()
    image = equation.locator("img")
    # A crisp crop: the formula's box at 2.5x, wider than it is tall, and actually painted.
    width, height = image.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    assert width > 3 * height > 0, (width, height)
    expect(page.get_by_text("We compute the matrix of outputs as:")).to_be_visible()
    idle(page)
    save(page, tmp_path, "read-equation.png")


def test_a_citation_deep_in_a_long_section_is_scrolled_into_view(
    app_url: str, page: Any, tmp_path: Path
) -> None:
    quote = "We implement this inside of scaled dot-product attention by masking out"
    query = urllib.parse.urlencode(
        {"paper": "1706.03762", "section": "3.2", "page": "5", "hl": quote}
    )
    open_in(page, app_url, "en")
    page.goto(f"{app_url}/read?{query}")
    cited = page.locator(".st-key-cited_passage")
    expect = sync_api.expect
    expect(cited).to_contain_text("masking out")
    expect(cited).to_be_in_viewport()
    idle(page)
    save(page, tmp_path, "read-deep.png")


def test_an_exercise_pasted_on_the_practice_page_is_checked_with_hints(
    app_url: str, page: Any, tmp_path: Path
) -> None:
    expect = sync_api.expect
    open_in(page, f"{app_url}/practice", "en")
    page.get_by_label("Exercise").click()  # the select box: open it, pick GELU
    page.get_by_role("option", name=re.compile(r"\(gelu\)")).click()
    idle(page)
    expect(page.get_by_text("Open §2 in Read")).to_be_visible()
    code = page.get_by_label("Your code: paste it here, or upload a .py file below")
    code.fill(
        "import math\nimport torch\n\n\ndef gelu(x):\n"
        "    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))\n"
    )
    code.press("Control+Enter")  # commits the text area before the button reads it
    idle(page)
    page.get_by_role("button", name="Run the checks").click()
    verdict = page.get_by_text(re.compile(r"\d of 6 checks passed"))
    expect(verdict).to_be_visible()
    expect(page.get_by_text("tanh approximation").first).to_be_visible()
    idle(page)
    verdict.scroll_into_view_if_needed()
    save(page, tmp_path, "practice.png")
