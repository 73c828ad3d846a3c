"""A tiny gold-standard project, shared by the core, CLI and UI tests of the gold standard.

Two articles of 5 sentences in the default codebook's single-choice group. Article 1's gold is
the coder "expert"; article 2's gold is the adjudicated coder's decisions; anna coded both and
(unless asked not to) marked them done. Sentence by sentence, gold vs anna is ``CASE``.
"""

from __future__ import annotations

from pathlib import Path

from annotator.adjudication import decide
from annotator.imports import ParsedArticle
from annotator.project import Project
from annotator.records import Status

M, D, N = "Military action", "Diplomatic claim", "Denial"
TEXTS = [
    "Troops advanced on Monday. Shelling hit the port. The army lost a tank. "
    "Envoys met in Geneva. The minister hailed the talks.",
    "The embassy rejected the claim. Officials denied any strike. The report was called false. "
    "A spokesman said nothing happened. Artillery fired overnight.",
]
#: sentence by sentence (article 1, then article 2): (gold, anna)
CASE = [
    (M, M), (M, M), (M, N), (D, D), (D, D),
    (D, N), (N, N), (N, N), (N, M), (M, M),
]  # fmt: skip


def code_article(
    project: Project, aid: int, coder: str, codes: list[str], done: bool = True
) -> None:
    for sentence, code in zip(project.sentences(aid), codes, strict=True):
        project.add_label(sentence, code, coder)
    if done:
        project.set_status(aid, coder, Status.DONE)


def build_gold_study(path: Path, anna_done: bool = True) -> Project:
    """The project described above, at ``path``; gold marked by "lead"."""
    p = Project.create(path)
    from annotator.codebook import default_codebook

    p.load_codebook(default_codebook())
    p.import_articles([ParsedArticle(t, f"a{i}.txt", title=f"A{i}") for i, t in enumerate(TEXTS)])
    a1, a2 = p.article_ids()
    assert len(p.sentences(a1)) == len(p.sentences(a2)) == 5
    code_article(p, a1, "expert", [g for g, _ in CASE[:5]])
    for sentence, (gold, _) in zip(p.sentences(a2), CASE[5:], strict=True):
        decide(p, sentence.id, None, [gold], decided_by="lead")
    code_article(p, a1, "anna", [a for _, a in CASE[:5]], done=anna_done)
    code_article(p, a2, "anna", [a for _, a in CASE[5:]], done=anna_done)
    p.mark_gold([a1], gold_coder="expert", by="lead")
    p.mark_gold([a2], by="lead")
    return p
