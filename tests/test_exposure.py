"""Exposure: what the web app lets a stranger reach.

* ``policyqa serve`` listens on 127.0.0.1 unless told otherwise;
* staff-only actions (the question log, changing the library) need the staff token, also when
  called directly through gradio's API or the JSON API rather than the page;
* no route hands out files from disk: gradio's file routes (``/gradio_api/file=``, ``/file=``,
  ``/static/``, ``/assets/`` …) refuse path traversal in every spelling, absolute paths, and the
  app's own files (seeds, the SQLite log, the index, the source), while still serving what
  gradio itself uploaded (the positive control that shows the route works).
"""

from __future__ import annotations

import fcntl
import http.client
import inspect
import json
import os
import re
import socket
import struct
import uuid
from pathlib import Path

import httpx
import pytest

from eval.load import serving
from tests.conftest import ROOT, SEEDS
from tests.conftest_ui import NB_5G, STAFF_TOKEN, private_library, start_server

# --- binding ---------------------------------------------------------------------------------


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        try:
            lines = Path(f"/proc/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, hex_port = local.split(":")
            if state != "0A" or int(hex_port, 16) != port:  # 0A = LISTEN
                continue
            raw = bytes.fromhex(addr)
            raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))  # little-endian words
            found.add(socket.inet_ntop(family, raw))
    return found


def other_addresses() -> list[str]:
    """This machine's IPv4 addresses that are not loopback (SIOCGIFADDR on every interface)."""
    out = []
    for _n, name in socket.if_nameindex():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                packed = fcntl.ioctl(s.fileno(), 0x8915, struct.pack("256s", name.encode()[:15]))
            except OSError:
                continue
        addr = socket.inet_ntoa(packed[20:24])
        if not addr.startswith("127."):
            out.append(addr)
    return out


def test_serve_defaults_to_loopback():
    from qa.app.cli import build_parser
    from qa.app.ui import serve

    assert build_parser().parse_args(["serve"]).host == "127.0.0.1"
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"


def test_server_started_without_host_is_not_reachable_from_the_network(index, index_settings, tmp_path):
    env = {"POLICYQA_INDEX_ROOT": str(index_settings.index_root), "POLICYQA_SEEDS": str(SEEDS)}
    with serving(tmp_path / "log.db", index=index_settings.index_name, env=env, host=None) as server:
        assert listening_addresses(server.port) == {"127.0.0.1"}
        for addr in other_addresses():  # none on a machine with loopback only: the check above holds
            with pytest.raises(OSError), socket.create_connection((addr, server.port), timeout=3):
                pass
        assert httpx.get(server.url + "/api/health", timeout=30).status_code == 200


# --- staff-only actions ----------------------------------------------------------------------


def gradio_call(base: str, name: str, data: list) -> str:
    """Call a gradio event handler the way any client can (no page): its output, as text."""
    with httpx.Client(base_url=base, timeout=120) as c:
        body = json.dumps({"data": data})  # escapes what httpx's json= cannot encode (a lone surrogate)
        r = c.post(f"/gradio_api/call/{name}", content=body, headers={"content-type": "application/json"})
        r.raise_for_status()
        stream = c.get(f"/gradio_api/call/{name}/{r.json()['event_id']}").text
    parts = [line[6:] for line in stream.splitlines() if line.startswith("data: ")]
    return "\n".join(json.dumps(json.loads(p), ensure_ascii=False) if p.strip() else "" for p in parts)


def gradio_endpoints(base: str, prefix: str) -> dict[str, int]:
    """Named gradio endpoints starting with ``prefix``, with their number of inputs."""
    info = httpx.get(base + "/gradio_api/info", timeout=30).json()["named_endpoints"]
    return {name.lstrip("/"): len(e["parameters"]) for name, e in info.items() if name.startswith("/" + prefix)}


@pytest.fixture(scope="module")
def staff_server(index, tmp_path_factory):
    """The app with a staff token, on a library of its own (tests here try to change it)."""
    lib = private_library(index, tmp_path_factory.mktemp("exposurelib"))
    with start_server(lib, tmp_path_factory.mktemp("exposurelog") / "log.db", staff_token=STAFF_TOKEN) as live:
        yield live


def test_question_log_needs_the_staff_token_through_gradios_api(staff_server):
    tag = f"XP{uuid.uuid4().hex[:6]}"
    assert httpx.post(staff_server.url + "/api/ask", json={"question": f"{NB_5G}{tag}"}, timeout=60).status_code == 200
    endpoints = gradio_endpoints(staff_server.url, "on_log")
    assert "on_log" in endpoints and "on_log_row" in endpoints
    for name, n in endpoints.items():
        for token in ("", "wrong", STAFF_TOKEN[:-1]):
            out = gradio_call(staff_server.url, name, [token] + [None] * (n - 1))
            assert tag not in out and "累计建设5G基站" not in out, (name, token)
    assert tag in gradio_call(staff_server.url, "on_log", [STAFF_TOKEN])  # the right token shows it


def test_library_cannot_be_changed_without_the_staff_token(staff_server):
    """Every changing route of the JSON API, and every library handler of the page's gradio API."""
    url = staff_server.url
    routes = {(m, r.path) for r in staff_server.api.routes for m in getattr(r, "methods", ()) or ()}
    if ("POST", "/api/library") not in routes:
        pytest.xfail("POST /api/library (staff upload) is not in this version of the app")
    before = httpx.get(url + "/api/library", timeout=60).json()
    doc = before["documents"][0]["id"]
    upload = {
        "files": ("../../../../tmp/exposure.txt", "临海市数据管理办法\n一、总则\n加强数据管理。".encode(), "text/plain")
    }
    with httpx.Client(base_url=url, timeout=120) as c:
        for headers in (
            {},
            {"X-Staff-Token": ""},
            {"X-Staff-Token": "wrong"},
            {"X-Staff-Token": STAFF_TOKEN.upper()},
        ):
            calls = [
                c.post("/api/library", files=upload, headers=headers),
                c.put(f"/api/library/{doc}", files={"file": upload["files"]}, headers=headers),
                c.post(f"/api/library/{doc}/status", json={"status": "expired"}, headers=headers),
                c.delete(f"/api/library/{doc}", headers=headers),
            ]
            assert [r.status_code for r in calls] == [403] * 4, (headers, [r.text for r in calls])
        handlers = gradio_endpoints(url, "on_lib")  # the page's staff upload, update, status, remove
        assert handlers
        for name, n in handlers.items():
            for token in ("", "wrong"):
                out = gradio_call(url, name, [token, doc] + [None] * (n - 2))
                assert "✅" not in out, (name, out[:300])  # a change is reported with ✅
        after = c.get("/api/library").json()
    assert after == before
    assert not Path("/tmp/exposure.txt").exists()


def test_library_changes_are_closed_when_no_staff_token_is_set(index, tmp_path):
    lib = private_library(index, tmp_path / "lib")
    with start_server(lib, tmp_path / "log.db") as live, httpx.Client(base_url=live.url, timeout=60) as c:
        doc = c.get("/api/library").json()["documents"][0]["id"]
        r = c.delete(f"/api/library/{doc}")
        assert r.status_code == 403 and "口令" in r.json()["detail"]
        assert len(c.get("/api/library").json()["documents"]) == 5


# --- files from disk -------------------------------------------------------------------------

FILE_ROUTES = ["/file=", "/gradio_api/file=", "/gradio_api/file/", "/static/", "/assets/", "/svelte/",
               "/gradio_api/proxy=", "/gradio_api/stream/x/0/0/", "/custom_component/x/client/y/", "/"]  # fmt: skip


def spellings(path: str) -> list[str]:
    """Ways of naming ``path`` (absolute) in a URL: plain, relative, traversal in several encodings."""
    rel = path.lstrip("/")
    up = 12
    return [
        path,
        os.path.relpath(path, ROOT),
        "../" * up + rel,
        "%2e%2e%2f" * up + rel,
        "%2e%2e/" * up + rel,
        "..%2f" * up + rel,
        "%252e%252e%252f" * up + rel,
        "..\\" * up + rel.replace("/", "\\"),
        "..%5c" * up + rel.replace("/", "%5c"),
        "....//" * up + rel,
        "/" + path,
        "%2f" + rel.replace("/", "%2f"),
        "file://" + path,
        f"{path}%00.png",
    ]


def raw_get(url: str, path: str) -> tuple[int, bytes]:
    """GET with the path sent exactly as written (httpx would normalise ``..`` away)."""
    u = httpx.URL(url)
    conn = http.client.HTTPConnection(u.host, u.port, timeout=30)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def open_server(index, tmp_path_factory):
    with start_server(index, tmp_path_factory.mktemp("fileslog") / "log.db") as live:
        httpx.post(live.url + "/api/ask", json={"question": NB_5G}, timeout=60)  # the log file exists
        yield live


def test_gradio_serves_its_own_uploads(staff_server):
    """The positive control: the file route works, so the refusals below are refusals.  (The
    upload route is open while staff features are: the library tab's upload box uses it.)"""
    content = f"policyqa exposure control {uuid.uuid4().hex}".encode()
    r = httpx.post(staff_server.url + "/gradio_api/upload", files={"files": ("control.txt", content)}, timeout=30)
    [path] = r.json()
    status, body = raw_get(staff_server.url, "/gradio_api/file=" + path)
    assert status == 200 and body == content
    for spelled in spellings("/etc/passwd"):
        status, body = raw_get(staff_server.url, f"/gradio_api/file={path}/{spelled}")
        assert b"root:" not in body


def test_uploads_are_closed_without_a_staff_token(open_server):
    r = httpx.post(open_server.url + "/gradio_api/upload", files={"files": ("x.txt", b"anything")}, timeout=30)
    assert r.status_code == 403 and "口令" in r.json()["detail"]


def test_upload_names_cannot_escape_the_upload_folder(staff_server):
    target = Path("/tmp") / f"policyqa-escape-{uuid.uuid4().hex}.txt"
    name = "../" * 12 + str(target).lstrip("/")
    r = httpx.post(staff_server.url + "/gradio_api/upload", files={"files": (name, b"escaped")}, timeout=30)
    assert not target.exists()
    if r.status_code == 200:
        [path] = r.json()
        assert Path(path).name == target.name and Path(path).resolve() != target


def test_no_route_reads_files_from_disk(open_server, index):
    seed = sorted(SEEDS.glob("*.txt"))[0]
    targets = {
        "/etc/passwd": b"root:",
        str(seed): seed.read_bytes()[200:260],
        str(open_server.settings.log_db.resolve()): b"SQLite format 3",
        str(index.dir.resolve() / "manifest.json"): b"corpus_hash",
        str(ROOT / "pyproject.toml"): b"[project]",
        str(ROOT / "qa" / "app" / "ui.py"): b"def create_app",
    }
    leaks, served = [], 0
    for target, marker in targets.items():
        assert marker in Path(target).read_bytes()  # the marker would show a leak
        for route in FILE_ROUTES:
            for spelled in spellings(target):
                status, body = raw_get(open_server.url, route + spelled)
                served += status == 200
                if marker in body:
                    leaks.append(f"{route}{spelled} -> {status}")
    assert leaks == []
    assert served < len(targets) * len(FILE_ROUTES) * len(spellings("/x"))  # most are refused outright


# --- every route and event has a rule ----------------------------------------------------------


def served_routes(routes, prefix: str = "") -> set[tuple[str, str]]:
    """(method, path) of every route the app serves, through mounts and included routers."""
    out = set()
    for r in routes:
        inner = getattr(r, "routes", None) or getattr(getattr(r, "original_router", None), "routes", None)
        if inner is not None and not hasattr(r, "endpoint"):
            out |= served_routes(inner, prefix + (getattr(r, "path", "") or ""))
            continue
        for method in getattr(r, "methods", None) or ():
            if method != "HEAD" or "GET" not in r.methods:
                out.add((method, prefix + r.path))
    return out


def test_every_route_the_app_serves_has_an_access_rule_and_a_body_bound(staff_server):
    from qa.app.guard import ROUTES

    served = served_routes(staff_server.api.routes)
    assert len(served) > 60  # the walk reached gradio's routes too
    missing = {(m, p) for m, p in served if (m, p) not in ROUTES and not (m == "HEAD" and ("GET", p) in ROUTES)}
    assert missing == set(), "add these routes to qa.app.guard.ROUTES"


def test_closed_and_unknown_routes_answer_404(staff_server):
    from qa.app.guard import ROUTES

    closed = [(m, p) for (m, p), rule in ROUTES.items() if rule.access == "closed" and "{" not in p]
    assert closed
    with httpx.Client(base_url=staff_server.url, timeout=30) as c:
        for method, path in [*closed, ("GET", "/api/nothing"), ("PATCH", "/api/ask")]:
            assert c.request(method, path).status_code == 404, (method, path)


def test_every_page_event_has_an_access_rule_and_staff_events_check_the_token(staff_server):
    from qa.app.guard import EVENTS

    info = httpx.get(staff_server.url + "/gradio_api/info", timeout=30).json()
    names = {re.sub(r"_\d+$", "", n.lstrip("/")) for n in info["named_endpoints"]}
    assert info["unnamed_endpoints"] == {}
    assert names == set(EVENTS), "add the new events to qa.app.guard.EVENTS"
    before = httpx.get(staff_server.url + "/api/library", timeout=30).json()
    doc = before["documents"][0]["id"]
    for name, access in EVENTS.items():
        if access != "staff":
            continue
        n = len(info["named_endpoints"]["/" + name]["parameters"])
        for token in ("", "wrong"):
            out = gradio_call(staff_server.url, name, [token, doc] + [None] * (n - 2) if n > 1 else [token])
            assert "✅" not in out and "累计建设5G基站" not in out, (name, out[:300])
    assert httpx.get(staff_server.url + "/api/library", timeout=30).json() == before
