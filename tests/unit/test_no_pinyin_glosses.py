"""No pinyin gloss after a Chinese character anywhere people read the project: `系统` is written, never `系统` with
its reading in brackets behind it (a copy-editing leftover, not a convention of this codebase)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("services", "gateway", "docs", "tests", "web", "scripts", "bench", "deploy", "README.md")
SKIPPED = {".venv", "node_modules", "__pycache__", ".git", "dist", "coverage"}

# Written as escapes so that this file does not match itself.
_TONED = "\u0101\u00e1\u01ce\u00e0\u0113\u00e9\u011b\u00e8\u012b\u00ed\u01d0\u00ec\u014d\u00f3\u01d2\u00f2" \
         "\u016b\u00fa\u01d4\u00f9\u01d6\u01d8\u01da\u01dc"
_LETTER = f"a-zA-Z\u00fc{_TONED}"
GLOSS = re.compile(rf"[\u3400-\u9fff]\s*[(\uff08]\s*[{_LETTER}' ]*[{_TONED}{_TONED.upper()}][{_LETTER}' ]*\s*[)\uff09]")


def _text_files():
    for name in SCANNED:
        top = ROOT / name
        paths = [top] if top.is_file() else sorted(top.rglob("*")) if top.is_dir() else []
        for path in paths:
            if path.is_file() and not SKIPPED & set(path.relative_to(ROOT).parts):
                data = path.read_bytes()
                if b"\x00" in data:
                    continue  # binary
                try:
                    yield path, data.decode("utf-8")
                except UnicodeDecodeError:
                    continue


def test_the_pattern_finds_a_gloss_and_nothing_else():
    gloss = "\u7cfb\u7edf(t\u01d2ng)"  # the character pair for "system" with a toned reading after it
    assert GLOSS.search(gloss) and GLOSS.search("\u7cfb\u7edf\uff08x\u00ec t\u01d2ng\uff09")
    assert not GLOSS.search("\u7cfb\u7edf (system)") and not GLOSS.search("\u8d37\u6b3e (loan)")
    assert not GLOSS.search("f(x\u00e9)")  # no Chinese character before it


def test_no_text_file_carries_a_pinyin_gloss():
    hits = [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}: {match.group()}"
            for path, text in _text_files() for match in GLOSS.finditer(text)]
    assert not hits, "pinyin glosses to remove:\n" + "\n".join(hits)
