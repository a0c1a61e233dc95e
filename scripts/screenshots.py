"""Take the documentation screenshots from a running server (`make run`), with Debian's chromium.

python scripts/screenshots.py [--base http://127.0.0.1:8000] [--user admin] [--password …]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
OUT = Path(__file__).resolve().parent.parent / "docs" / "img"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", required=True)
    parser.add_argument("--pages", nargs="*", default=["/", "/areas/", "/registry/persons/", "/registry/houses/"])
    parser.add_argument("--elder", action="store_true", help="长者模式 (large type, high contrast)")
    parser.add_argument("--lang", default="zh-CN")
    parser.add_argument("--prefix", default="")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 860}, locale=args.lang)
        if args.elder:
            context.add_cookies([{"name": "elder_mode", "value": "1", "url": args.base}])
        page = context.new_page()
        page.goto(f"{args.base}/accounts/login/")
        page.fill("input[name=username]", args.user)
        page.fill("input[name=password]", args.password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        for path in args.pages:
            page.goto(args.base + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(800)  # let ECharts finish its first frame
            name = args.prefix + (path.strip("/").replace("/", "-").replace("?", "_").replace("=", "-") or "home")
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
            print(OUT / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main()
