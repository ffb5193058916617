"""Every document the project cites is in the repository. The rules are in docs/rules.md, the build and its
decisions in docs/architecture.md, the contract in README.md and the OpenAPI document. A design document kept
outside the repository (a sibling `shared` folder, say) cannot be read by someone who has only the repository,
so no file may point at one."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("gateway", "services", "scripts", "tests", "web/src", "docs", "README.md", "bench")
SKIPPED = {".venv", "node_modules", "__pycache__", ".git", "dist", "coverage", ".pytest_cache", ".hypothesis"}

# The pattern is built from pieces so that this file does not match itself.
_NAMES = "|".join(("DOMAIN", "DESIGN", "API", "STYLE"))
CITATION = re.compile(rf"\b(?:{_NAMES})\.md\b|\.\./" + "shared")

# Files allowed to cite an outside document: none.
KNOWN = set()


def _text_files():
    for name in SCANNED:
        top = ROOT / name
        paths = [top] if top.is_file() else sorted(top.rglob("*")) if top.is_dir() else []
        for path in paths:
            if not path.is_file() or SKIPPED & set(path.relative_to(ROOT).parts):
                continue
            data = path.read_bytes()
            if b"\x00" in data:
                continue  # binary
            try:
                yield path.relative_to(ROOT).as_posix(), data.decode("utf-8")
            except UnicodeDecodeError:
                continue


def test_the_pattern_finds_each_outside_document_and_nothing_else():
    for cited in ("DOMAIN", "DESIGN", "API", "STYLE"):
        assert CITATION.search(f"as {cited}.md says") and CITATION.search(f"({cited}.md § Servicing)")
    assert CITATION.search("see ../" + "shared/seed")
    assert not CITATION.search("docs/rules.md (Servicing)") and not CITATION.search("docs/architecture.md")
    assert not CITATION.search("OPENAPI.md") and not CITATION.search("# shared: a product's terms")


def test_no_file_cites_a_document_outside_the_repository():
    hits = [f"{path}:{text.count(chr(10), 0, match.start()) + 1}: {match.group()}"
            for path, text in _text_files() if path not in KNOWN for match in CITATION.finditer(text)]
    assert not hits, ("cite docs/rules.md, docs/architecture.md or README.md (the section that says it) "
                      "instead of:\n" + "\n".join(hits))
