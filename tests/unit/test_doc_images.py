"""The images the README and the docs show are files in the repository, and the screenshots
the storefront's script saves are all shown in the README."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


def test_every_image_a_page_shows_is_a_file_beside_it():
    missing = [
        f"{page.name}: {target}"
        for page in PAGES
        for target in IMAGE.findall(page.read_text())
        if not (page.parent / target).is_file()
    ]

    assert missing == []


def test_the_readme_shows_every_storefront_screenshot_the_script_saves():
    script = (ROOT / "scripts" / "storefront_screenshots.py").read_text()
    readme = (ROOT / "README.md").read_text()
    saved = set(re.findall(r'"(storefront-[a-z-]+\.png)"', script))

    assert saved
    assert sorted(name for name in saved if f"(docs/images/{name})" not in readme) == []
