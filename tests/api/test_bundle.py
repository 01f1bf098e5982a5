"""The standalone bundler: modules linked through blob: URLs, CSS fonts inlined, from file://."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.bundle import collect_modules, inline_css, standalone_html


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def modules(tmp_path: Path) -> Path:
    return small_module_tree(tmp_path)


def small_module_tree(tmp_path: Path) -> Path:
    """Four modules importing each other by relative path, one from a vendor folder."""
    write(tmp_path, "vendor/lib.js", "export const answer = (x) => x * 21;\n")
    write(
        tmp_path,
        "js/format.js",
        'import { answer } from "../vendor/lib.js";\nexport const show = (x) => `ok ${answer(x)}`;\n',
    )
    write(
        tmp_path,
        "js/view.js",
        "import { show } from './format.js';\nexport function draw(el, x) { el.textContent = show(x); }\n",
    )
    return write(
        tmp_path,
        "js/entry.js",
        'import { draw } from "./view.js";\nimport { show } from "./format.js";\n'
        'const data = JSON.parse(document.getElementById("bp-data").textContent);\n'
        'draw(document.getElementById("out"), data.x);\nconsole.log(show(1));\n',
    )


def test_modules_come_dependencies_first(modules: Path) -> None:
    keys = [m.key for m in collect_modules(modules, modules.parent.parent)]
    assert keys == ["vendor/lib.js", "js/format.js", "js/view.js", "js/entry.js"]
    entry = collect_modules(modules, modules.parent.parent)[-1].source
    assert '"bp:js/view.js"' in entry
    assert '"bp:js/format.js"' in entry


def test_css_urls_become_data_urls(tmp_path: Path) -> None:
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "A.woff2").write_bytes(b"\x00\x01font")
    css = write(tmp_path, "k.css", "@font-face{src:url(fonts/A.woff2) format('woff2')}")
    assert 'url("data:font/woff2;base64,AAFmb250")' in inline_css(css)


def test_script_breakers_in_data_are_escaped(modules: Path) -> None:
    page = standalone_html(
        "t", modules, [], {"x": 2, "s": "</script><!--"}, "<p id=out></p>", modules.parent.parent
    )
    assert "</script><!--" not in page.split('id="bp-data">')[1].split("</script>")[0]
