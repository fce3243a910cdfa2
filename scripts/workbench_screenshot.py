"""Screenshot of the planner's workbench on a running demo server.

Logs in, opens *Planning > Plan > Workbench* in headless Chromium and writes
the PNG to ``prod_planning/static/description/workbench.png`` (the app's page)
and ``docs/images/workbench.png`` (the README's). Start the demo factory first
(``scripts/demo``), then:

    python3 scripts/workbench_screenshot.py [--url http://localhost:8069] [--db prod_planning_demo]

Needs ``chromium`` (or ``--chrome PATH``), ``requests`` and ``websocket-client``.
"""

import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = (ROOT / "prod_planning/static/description/workbench.png", ROOT / "docs/images/workbench.png")
READY = "document.querySelector('.o_pp_table .o_pp_block') && !document.querySelector('.o_pp_loading')"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def login(url, db, user, password):
    """The session id of ``user`` on the server at ``url``."""
    session = requests.Session()
    response = session.post(
        f"{url}/web/session/authenticate",
        json={"jsonrpc": "2.0", "method": "call", "params": {"db": db, "login": user, "password": password}},
        timeout=60,
    )
    response.raise_for_status()
    answer = response.json()
    if answer.get("error") or not answer.get("result", {}).get("uid"):
        sys.exit(f"login as {user} on {db} failed: {answer.get('error', {}).get('data', {}).get('message')}")
    return session.cookies["session_id"]


class DevTools:
    """The Chrome DevTools protocol over one page's websocket."""

    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=60)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="prod_planning_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--path", default="/odoo/planning-workbench", help="the page to open")
    parser.add_argument("--search", default="Chair", help="product search typed in the screen ('' for none)")
    parser.add_argument("--size", default="1600x1000", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--chrome", default=shutil.which("chromium") or shutil.which("google-chrome") or "chromium")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    url = args.url.rstrip("/")
    session_id = login(url, args.db, args.login, args.password)
    width, height = (int(v) for v in args.size.split("x"))
    port = free_port()
    profile = tempfile.mkdtemp(prefix="workbench-shot-")
    chrome = subprocess.Popen(  # noqa: S603 - our own arguments
        [
            args.chrome,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--remote-debugging-port={port}",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 30
        while True:
            try:
                pages = requests.get(f"http://127.0.0.1:{port}/json", timeout=5).json()
                page = next(p for p in pages if p.get("type") == "page")
                break
            except (requests.RequestException, StopIteration):
                if time.time() > deadline:
                    sys.exit("Chromium did not start")
                time.sleep(0.5)
        tools = DevTools(page["webSocketDebuggerUrl"])
        tools.call("Network.enable")
        tools.call("Network.setCookie", name="session_id", value=session_id, url=url)
        tools.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        tools.call("Page.enable")
        tools.call("Page.navigate", url=f"{url}{args.path}")
        deadline = time.time() + args.timeout
        while not tools.evaluate(f"!!({READY})"):
            if time.time() > deadline:
                sys.exit(f"the workbench did not show within {args.timeout:.0f} s")
            time.sleep(0.5)
        if args.search:
            tools.evaluate(
                "(() => { const input = document.querySelector('.o_pp_filter_search');"
                f" input.value = {json.dumps(args.search)};"
                " input.dispatchEvent(new Event('input', {bubbles: true}));"
                " input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true})); })()"
            )
            time.sleep(1)
            while not tools.evaluate(f"!!({READY})"):
                if time.time() > deadline:
                    sys.exit(f"the search did not show within {args.timeout:.0f} s")
                time.sleep(0.5)
        # fonts and icons
        tools.evaluate("document.fonts.ready.then(() => true)")
        time.sleep(1.5)
        png = base64.b64decode(tools.call("Page.captureScreenshot", format="png")["data"])
        for path in OUTPUTS:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(png)
            print(f"wrote {path.relative_to(ROOT)} ({len(png) // 1024} KiB)")
    finally:
        chrome.terminate()
        try:
            chrome.wait(10)
        except subprocess.TimeoutExpired:
            chrome.kill()
        shutil.rmtree(profile, ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
