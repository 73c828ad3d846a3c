"""Where bundled resources and codebooks live, from a source checkout or an installed wheel."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent


def _locate(package: str, repo_dir: str) -> Path:
    candidate = _REPO / repo_dir
    if candidate.is_dir() and (candidate / "__init__.py").exists():
        return candidate
    return Path(str(resources.files(package)))


def resources_dir() -> Path:
    """The folder of sample articles, icons and stylesheets."""
    return _locate("annotator.resources", "resources")


def codebooks_dir() -> Path:
    """The folder of codebooks shipped with the app."""
    return _locate("annotator.codebooks", "codebooks")


def default_codebook_path() -> Path:
    return codebooks_dir() / "conflict-news.yaml"


def icons_dir() -> Path:
    """The application icon: annotator.svg and its PNG sizes."""
    return resources_dir() / "icons"


def fonts_dir() -> Path:
    """DejaVu Sans (regular, bold) for PDFs the core writes without Qt (the coders' manual):
    one font that covers Greek, Cyrillic and more on every platform."""
    return resources_dir() / "fonts"


def sample_articles_dir() -> Path:
    return resources_dir() / "sample_articles"
