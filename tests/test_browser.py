"""End-to-end tests in a real browser: Playwright drives Debian's Chromium against the app
started on 127.0.0.1 by the test.  Skipped only when /usr/bin/chromium or playwright is missing.

Screenshots of every page are saved under the test session's tmp dir (or ``$POLICYQA_SCREENSHOTS``).
"""

from __future__ import annotations

import csv
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest_ui import (  # noqa: F401
    CORPUS_DOCS,
    HZ_DOC,
    HZ_QUESTION,
    LATENCY_QUESTIONS,
    NB_5G,
    STAFF_TOKEN,
    UNANSWERABLE,
    ZJ_GOAL,
    citizen_library,
    policy_index,
    private_library,
    start_server,
)

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make browser)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (pip install playwright)")

EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">数据共享？'
TIMEOUT = 30_000


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("POLICYQA_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def server(policy_index, tmp_path_factory):  # noqa: F811
    with start_server(policy_index, tmp_path_factory.mktemp("uilog") / "log.db", staff_token=STAFF_TOKEN) as live:
        yield live


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    pg.page_errors = []
    pg.on("pageerror", lambda e: pg.page_errors.append(str(e)))
    pg.goto(server.url + "/")
    wait_loaded(pg)
    yield pg
    context.close()


def wait_loaded(page) -> None:
    """The page has run its load event (index loaded, deep link applied)."""
    page.wait_for_selector("#chat .chat-log")
    page.wait_for_function("(document.querySelector('#page-status')?.innerText || '').includes('已收录')")


def wait_idle(page) -> None:
    """The chat event has completed (gradio's pending/generating markers are gone), so a next
    click is not overtaken by the end of the previous answer."""
    page.wait_for_function(
        "!document.querySelector('#chat .generating, #chat-live .generating, .html-container.pending')"
    )


def ask(page, question: str, kind: str = "answered"):
    """Type a question, send it, and wait for the finished answer bubble of that kind."""
    n = page.locator(f"#chat .msg.bot.{kind}").count()
    page.locator("#question textarea, #question input").first.fill(question)
    page.click("#ask")
    page.locator(f"#chat .msg.bot.{kind}").nth(n).wait_for()
    wait_idle(page)
    return page.locator(f"#chat .msg.bot.{kind}").nth(n)


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def test_answer_with_citation_that_opens_the_clause(page, shots, policy_index):  # noqa: F811
    assert page.locator("#chat .welcome").is_visible()
    assert page.locator("#examples button").count() >= 3
    page.screenshot(path=str(shots / "01_chat_empty.png"), full_page=True)

    bot = ask(page, NB_5G)
    assert "4万" in bot.inner_text()
    ref = bot.locator("a.cite-ref").first
    card_id = ref.get_attribute("data-card")
    card = page.locator(f'[id="{card_id}"]')
    assert card.is_visible()
    clause_id = card.get_attribute("data-clause")
    assert clause_id in policy_index.corpus.clause_by_id
    assert card.locator("mark").count() == 1  # the supporting sentence is highlighted
    assert "甬政发〔2023〕16号" in card.inner_text()
    ref.click()
    page.wait_for_function(f"document.getElementById('{card_id}').classList.contains('flash')")
    page.screenshot(path=str(shots / "02_chat_answer.png"), full_page=True)

    card.locator("a.view-clause").click()
    target = page.locator(f'#library details[id="clause-{clause_id}"]')
    target.wait_for()
    assert "focus" in target.get_attribute("class")
    assert target.get_attribute("open") is not None
    page.wait_for_function(
        f"""() => {{ const r = document.getElementById('clause-{clause_id}').getBoundingClientRect();
                   return r.top >= 0 && r.top < window.innerHeight; }}"""
    )
    assert page.get_by_role("tab", name="政策文库").get_attribute("aria-selected") == "true"
    page.screenshot(path=str(shots / "03_library_at_clause.png"))
    assert page.page_errors == []


def test_unanswerable_question_is_refused_visibly(page, shots):
    bot = ask(page, UNANSWERABLE, kind="refused")
    assert "资料中未找到" in bot.inner_text()
    assert bot.locator(".cite-card").count() == 0
    answered_bg = page.evaluate(
        "getComputedStyle(document.querySelector('#chat .msg.bot.refused .bubble')).backgroundColor"
    )
    assert answered_bg != "rgb(248, 250, 252)"  # not the colour of an answer
    page.screenshot(path=str(shots / "04_chat_refusal.png"), full_page=True)


def test_followup_uses_the_conversation(page, shots):
    ask(page, ZJ_GOAL)
    bot = ask(page, "那河北呢？")
    rewritten = page.locator("#chat .msg.user .rewritten").last
    assert "河北" in rewritten.inner_text()
    assert "河北" in bot.inner_text() or "冀" in bot.inner_text()
    page.screenshot(path=str(shots / "05_chat_followup.png"), full_page=True)


def test_injected_markup_is_shown_as_text_and_errors_as_messages(page, shots):
    page.locator("#question textarea, #question input").first.fill(EVIL)
    page.click("#ask")
    page.locator("#chat .msg.bot:not(.pending), #chat .msg.error").first.wait_for()
    wait_idle(page)
    assert "<script>window.__pwned=1</script>" in page.locator("#chat .msg.user .bubble").first.inner_text()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#chat img").count() == 0
    # an empty question: a message in the page, not a traceback
    page.locator("#question textarea, #question input").first.fill("   ")
    page.click("#ask")
    page.locator("#chat .msg.error").first.wait_for()
    assert "Traceback" not in page.content()
    page.screenshot(path=str(shots / "06_chat_injection_and_error.png"), full_page=True)


def test_duty_lookup_and_csv_export(page, shots, tmp_path):
    open_tab(page, "职责查询")
    page.locator("#unit input, #unit textarea").first.fill("发改委")
    page.click("#lookup")
    page.wait_for_function("document.querySelector('#duty-summary').innerText.includes('发改委')")
    table = page.locator("#duty-table")
    assert "發展改革委" in table.inner_text() or "发展改革委" in table.inner_text()
    page.screenshot(path=str(shots / "07_duties.png"), full_page=True)

    with page.expect_download() as info:
        page.click("#export-csv")
    path = tmp_path / "duties.csv"
    info.value.save_as(path)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:6] == ["文件", "条款", "任务", "牵头单位", "责任单位", "协同单位"]
    assert len(rows) > 5
    assert all(r[6] in ("牵头单位", "责任单位", "协同单位") for r in rows[1:])

    with page.expect_download() as info:
        page.click("#export-xlsx")
    assert info.value.suggested_filename.endswith(".xlsx")

    # a row opens its clause in the library
    first_clause = rows[1][7]
    page.locator("#duty-table >> text=" + rows[1][2] + " >> visible=true").first.click()
    target = page.locator(f'#library details[id="clause-{first_clause}"]')
    target.wait_for()
    assert "focus" in target.get_attribute("class")


def test_feedback_is_found_in_the_staff_log(page, shots):
    ask(page, NB_5G)
    page.locator("#comment input, #comment textarea").first.fill("希望写明截止时间")
    page.click("#thumb-down")
    page.wait_for_function("document.querySelector('#feedback-status').innerText.includes('已记录')")
    ask(page, UNANSWERABLE, kind="refused")

    open_tab(page, "问答记录（工作人员）")
    page.locator("#staff-token input").fill("wrong")
    page.click("#refresh-log")
    page.wait_for_function("document.querySelector('#log-stats').innerText.includes('口令')")
    assert "希望写明截止时间" not in page.locator("#log-table").inner_text()

    page.locator("#staff-token input").fill(STAFF_TOKEN)
    page.click("#refresh-log")
    page.wait_for_function("document.querySelector('#log-table').innerText.includes('希望写明截止时间')")
    log_text = page.locator("#log-table").inner_text()
    assert "👎" in log_text and NB_5G in log_text
    assert UNANSWERABLE in page.locator("#unanswered").inner_text()
    assert "基站" in page.locator("#topics").inner_text()
    page.locator("#log-table >> text=希望写明截止时间 >> visible=true").first.click()  # select the row
    page.wait_for_function("document.querySelector('#log-detail').innerText.includes('累计建设5G基站')")
    page.screenshot(path=str(shots / "08_staff_log.png"), full_page=True)


def test_deep_link_opens_library_at_clause(browser, server, shots, policy_index):  # noqa: F811
    clause = next(c for c in policy_index.corpus.clauses if c.duties and c.level >= 3)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    pg.goto(f"{server.url}/?clause={clause.id}")
    target = pg.locator(f'#library details[id="clause-{clause.id}"]')
    target.wait_for()
    assert "focus" in target.get_attribute("class")
    assert "牵头单位" in target.inner_text() or "责任单位" in target.inner_text()
    pg.screenshot(path=str(shots / "09_deep_link.png"))
    context.close()


def test_staff_upload_makes_a_document_answerable(browser, policy_index, shots, tmp_path_factory):  # noqa: F811
    lib = private_library(policy_index, tmp_path_factory.mktemp("uilib"))
    upload = tmp_path_factory.mktemp("upload") / "杭州公共数据开放.txt"
    upload.write_text(HZ_DOC, encoding="utf-8")
    with start_server(lib, tmp_path_factory.mktemp("uiliblog") / "log.db", staff_token=STAFF_TOKEN) as live:
        context = browser.new_context(viewport={"width": 1280, "height": 1400}, locale="zh-CN")
        pg = context.new_page()
        pg.set_default_timeout(TIMEOUT)
        pg.goto(live.url + "/")
        wait_loaded(pg)
        pg.click("#tab-library-button")
        pg.get_by_text("管理文库（工作人员）").click()
        pg.locator("#lib-files input[type=file]").set_input_files(str(upload))
        pg.locator("#lib-token input").fill("wrong")  # a password box is an input
        pg.click("#lib-add")
        pg.wait_for_function("document.querySelector('#lib-msg').innerText.includes('口令')")
        pg.locator("#lib-token input").fill(STAFF_TOKEN)
        started = time.perf_counter()
        pg.click("#lib-add")
        pg.wait_for_function("document.querySelector('#lib-msg').innerText.includes('新增')", timeout=120_000)
        added_s = time.perf_counter() - started
        assert "杭州市人民政府办公厅" in pg.locator("#library").inner_text()  # the tree shows the new document
        assert "已收录 6 份政策文件" in pg.locator("#page-status").inner_text()
        pg.screenshot(path=str(shots / "11_library_upload.png"), full_page=True)

        pg.click("#tab-chat-button")
        bot = ask(pg, HZ_QUESTION)
        assert "3000" in bot.inner_text()
        print(f"\nupload to answerable through the page: {added_s:.1f} s")

        open_tab(pg, "政策文库")
        pg.locator("#lib-status input").fill("已废止")
        pg.keyboard.press("Enter")
        pg.locator("#lib-status-date textarea, #lib-status-date input").first.fill("2025-06-30")
        pg.click("#lib-set-status")
        pg.wait_for_function("document.querySelector('#lib-msg').innerText.includes('废止')")
        assert "已于2025-06-30废止" in pg.locator("#library .doc-meta").inner_text()
        pg.get_by_text("版本记录").click()
        assert "状态变更" in pg.locator("#lib-history").inner_text()
        pg.screenshot(path=str(shots / "12_library_status.png"), full_page=True)
        context.close()


def test_match_tab_finds_clauses_and_the_feed_updates_after_a_staff_upload(
    browser,
    policy_index,  # noqa: F811
    shots,
    tmp_path_factory,
):
    """政策找人: a profile goes in, matches with citations come out; a saved profile's feed gets
    the clauses of a document staff upload afterwards."""
    lib = citizen_library(policy_index, tmp_path_factory.mktemp("matchlib"), names=("33_guangzhou_linshi_jiuzhu.txt",))
    care = "我妈72岁，在广州交职工医保，卧床失能评了3级，住护理院长护险每天能报多少？"
    with start_server(lib, tmp_path_factory.mktemp("matchlog") / "log.db", staff_token=STAFF_TOKEN) as live:
        context = browser.new_context(viewport={"width": 1280, "height": 1600}, locale="zh-CN")
        pg = context.new_page()
        pg.set_default_timeout(TIMEOUT)
        pg.goto(live.url + "/")
        wait_loaded(pg)  # waits for the chat tab to show: open 政策找人 after it, not by ?tab= (a race)
        pg.click("#tab-match-button")
        # a profile the library covers: matches, each citing its clause
        pg.locator("#match-profile textarea").fill(
            "我是广州的特困人员，一个人住，这次住院要请护工照顾，护工费有补助吗？"
        )
        pg.click("#match-find")
        pg.wait_for_selector("#match-results .match-card")
        cards = pg.locator("#match-results .match-card")
        assert "240元/人/日" in pg.locator("#match-results").inner_text()
        first = cards.first
        assert "33_guangzhou_linshi_jiuzhu.txt [" in first.locator(".cite").inner_text()
        assert first.locator(".benefit").count() == 1
        href = first.locator(".match-head a").get_attribute("href")
        assert href.startswith("/?clause=")
        pg.screenshot(path=str(shots / "13_match.png"), full_page=True)
        # the optional fields: a 户籍所在地 that names no place is a visible error; a place is read back
        pg.get_by_text("补充信息（可选）").click()
        hukou = pg.locator("#match-hukou input, #match-hukou textarea").first
        hukou.fill("火星")
        pg.click("#match-find")
        pg.wait_for_function("document.querySelector('#match-results').innerText.includes('hukou must name a place')")
        hukou.fill("广州")
        pg.click("#match-find")
        pg.wait_for_function("document.querySelector('#match-results').innerText.includes('户籍广州市')")
        hukou.fill("")
        # another city's rules do not apply: an empty list that says so
        pg.locator("#match-profile textarea").fill("我住在天津，家里老人突发重病花光了积蓄，能申请临时救助吗？")
        pg.click("#match-find")
        pg.wait_for_function("document.querySelector('#match-results').innerText.includes('没有找到')")
        assert pg.locator("#match-results .match-card").count() == 0
        # save a profile, then staff upload 长护险: the feed shows its clauses
        pg.locator("#match-profile textarea").fill(care)
        pg.get_by_text("订阅新政策推送").click()
        pg.click("#match-sub-save")
        pg.wait_for_function("document.querySelector('#match-sub-msg').innerText.includes('已订阅')")
        sub_id = pg.locator("#match-sub-id textarea, #match-sub-id input").first.input_value()
        assert len(sub_id) >= 20
        pg.click("#match-sub-feed")
        pg.wait_for_function("document.querySelector('#match-feed').innerText.includes('暂无新推送')")

        pg.click("#tab-library-button")
        pg.get_by_text("管理文库（工作人员）").click()
        pg.locator("#lib-files input[type=file]").set_input_files(
            str(CORPUS_DOCS / "35_guangzhou_changqi_huli_baoxian.txt")
        )
        pg.locator("#lib-token input").fill(STAFF_TOKEN)
        pg.click("#lib-add")
        pg.wait_for_function("document.querySelector('#lib-msg').innerText.includes('新增')", timeout=120_000)

        pg.click("#tab-match-button")
        pg.click("#match-sub-feed")
        pg.wait_for_selector("#match-feed .match-card")
        assert "长期护理保险" in pg.locator("#match-feed").inner_text()
        pg.screenshot(path=str(shots / "14_match_feed.png"), full_page=True)
        # staff see how many profiles the document reached, and no profile
        pg.click("#tab-log-button")
        pg.locator("#staff-token input").fill(STAFF_TOKEN)
        pg.locator("#staff-token input").press("Enter")
        pg.click("#refresh-log")  # after the tab's own select event (empty token) has been answered
        pg.wait_for_function("document.querySelector('#push-table').innerText.includes('1 / 1')")
        assert "护理院" not in pg.locator("#push-table").inner_text()
        context.close()


def test_page_latency(page, capsys):
    """First answer in a fresh page and p50 over 10 questions through the page (reported)."""
    # the page test skips two of the API questions to stay quick
    questions = [q for q in LATENCY_QUESTIONS if "浙里办" not in q and "甬政发" not in q]
    first_text, times = [], []
    page.click("#clear")
    page.locator("#chat .welcome").wait_for()
    seen_text = """() => {
        const live = document.querySelector('#chat-live .msg.bot.pending');
        if (live && !live.innerText.includes('正在检索')) return true;
        return !!document.querySelector('#chat .msg.bot:not(.pending)');
    }"""
    for q in questions:
        page.locator("#question textarea, #question input").first.fill(q)
        t0 = time.perf_counter()
        page.click("#ask")
        page.wait_for_function(seen_text, polling=10)
        first_text.append((time.perf_counter() - t0) * 1000)
        page.locator("#chat .msg.bot:not(.pending)").first.wait_for()
        times.append((time.perf_counter() - t0) * 1000)
        wait_idle(page)
        assert page.locator("#chat-live .msg").count() == 0  # the finished turn moved to the transcript
        page.click("#clear")  # independent questions, not follow-ups
        page.locator("#chat .welcome").wait_for()
    p50 = statistics.median(times)
    with capsys.disabled():
        print(
            f"\n[page latency] first answer {times[0]:.0f} ms; over {len(times)} questions: text appears "
            f"p50 {statistics.median(first_text):.0f} ms, answer complete p50 {p50:.0f} ms (max {max(times):.0f})"
        )
    # no time bound here: speed targets live in `make bench`; this only reports what the page took


@pytest.mark.parametrize(
    "doc",
    ["[请点此重新登录](http://203.0.113.9/login)", "![t](http://203.0.113.9/x.png)", "<img src=x onerror=alert(1)>"],
)
def test_a_deep_link_cannot_put_a_link_or_image_in_the_page(browser, server, shots, doc):
    """F6: the error of an unknown ``?doc=`` quotes it as text, never as Markdown or HTML."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def only_local(route):  # nothing leaves the machine: a request elsewhere is recorded and aborted
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    pg.page_errors = []
    pg.on("pageerror", lambda e: pg.page_errors.append(str(e)))
    pg.goto(f"{server.url}/?doc={quote(doc)}")
    pg.wait_for_function("(document.querySelector('#page-status')?.innerText || '').includes('❌')")
    status = pg.locator("#page-status")
    assert status.locator("a").count() == 0 and status.locator("img").count() == 0
    assert doc.split("(")[0].lstrip("!") in status.inner_text()  # shown as the text it is
    pg.wait_for_timeout(500)
    assert outside == [] and pg.page_errors == []
    pg.screenshot(path=str(shots / "13_deep_link_markdown.png"))
    context.close()
