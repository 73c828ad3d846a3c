"""The demo project: bundled sample articles, the default codebook, two coders' finished work."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.codebook import default_codebook
from annotator.paths import sample_articles_dir
from annotator.project import Project
from annotator.records import LabelChange, Status

DEMO_CODERS = ("anna", "ben")


def build_demo(path: str | Path) -> Project:
    """Create the demo project at path (which must not exist yet) and return it open."""
    folder = sample_articles_dir()
    project = Project.create(path, codebook=default_codebook())
    try:
        files = sorted(folder.glob("*.txt"))
        report = project.import_paths(files)
        key = json.loads((folder / "demo_labels.json").read_text(encoding="utf-8"))
        by_file = dict(zip([f.name for f in files], report.article_ids, strict=True))
        coder_ids = {name: project.coder_id(name) for name in key["coders"]}
        changes: list[LabelChange] = []
        for entry in key["labels"]:
            article_id = by_file[entry["article"]]
            match = [s for s in project.sentences(article_id) if s.text.startswith(entry["starts"])]
            if len(match) != 1:
                raise RuntimeError(f"demo key: no single sentence starts with {entry['starts']!r}")
            for coder, cid in coder_ids.items():
                if coder in entry:
                    code = project.code(entry[coder])
                    changes.append(LabelChange(match[0].id, code.id, cid, add=True))
        project.apply_changes(changes, batch="demo")
        for article_id in report.article_ids:
            for coder in coder_ids:
                project.set_status(article_id, coder, Status.DONE)
    except BaseException:
        project.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    return project
