"""Uploaded files: those a page event names (:func:`page_uploads`, only gradio's own uploads) and
those the JSON API receives (:func:`_uploaded`, saved under safe names, :func:`upload_name`).
"""

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from qa.app.guard import MAX_UPLOAD_BYTES
from qa.errors import InputError


def page_uploads(files) -> list[Path]:
    """The files of a library-tab event, each checked to be one the page uploaded.

    A gradio file value names a path, and a client can send any path (``/etc/hostname``,
    ``../``): only regular files inside gradio's upload folder, within the upload bound, are
    read; anything else is refused before a byte is read.
    """
    from gradio.utils import get_upload_folder

    root = Path(get_upload_folder()).resolve()
    out = []
    for f in files:
        named = getattr(f, "name", None) or (f.get("path") if isinstance(f, dict) else f)
        try:
            path = Path(str(named)).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            path = None
        if path is None or not path.is_relative_to(root) or not path.is_file():
            raise InputError("只能导入通过本页面上传的文件（a file must be uploaded through this page）")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise InputError(f"{path.name}: larger than {MAX_UPLOAD_BYTES >> 20} MB")
        out.append(path)
    return out


#: The longest file name (UTF-8 bytes) kept of an upload; file systems allow 255.
MAX_NAME_BYTES = 200


def upload_name(filename: str | None) -> str:
    """An uploaded file's base name, safe to create: no folders, no control characters (a NUL
    cannot be in a path), at most :data:`MAX_NAME_BYTES` bytes (the stem is cut, the extension kept).

    >>> upload_name("../../etc/方案.txt"), upload_name(".."), len(upload_name("长" * 300 + ".pdf").encode()) <= 200
    ('方案.txt', 'upload', True)
    >>> upload_name("a\\x00b.txt"), upload_name("\\x00\\n")
    ('ab.txt', 'upload')
    """
    kept = "".join(ch for ch in (filename or "") if ch.isprintable())
    name = Path((kept or "upload").replace("\\", "/")).name or "upload"
    if name in (".", ".."):
        name = "upload"
    stem, dot, ext = name.rpartition(".") if "." in name.lstrip(".") else (name, "", "")
    ext = (dot + ext)[:16]
    room = MAX_NAME_BYTES - len(ext.encode())
    stem = stem.encode()[:room].decode("utf-8", "ignore")
    return (stem + ext) if stem else "upload" + ext


@contextlib.contextmanager
def _uploaded(files) -> Iterator[list[Path]]:
    """Save uploaded files under their own base names in a private temporary folder, each in a
    folder of its own (two uploads of one name are two files)."""
    import shutil

    folder = Path(tempfile.mkdtemp(prefix="policyqa-upload-"))
    try:
        paths = []
        for i, f in enumerate(files):
            name = upload_name(f.filename)
            (folder / str(i)).mkdir()
            dest = folder / str(i) / name
            size = 0
            with dest.open("wb") as out:
                while chunk := f.file.read(1 << 20):
                    size += len(chunk)
                    if size > MAX_UPLOAD_BYTES:
                        raise InputError(f"{name}: larger than {MAX_UPLOAD_BYTES >> 20} MB")
                    out.write(chunk)
            paths.append(dest)
        yield paths
    finally:
        shutil.rmtree(folder, ignore_errors=True)
