"""Writing a codebook into a project, matching groups and codes by stable id, then by name.

A code that disappears from the codebook is deactivated, never deleted: its labels stay in the
file and come back if the code does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import Session

from annotator.codebook import Codebook
from annotator.records import CodebookChanges
from annotator.storage import tables as t
from annotator.storage.models import new_uid
from annotator.storage.queries import ORDERED_GROUPS_KEY


def save_codebook(session: Session, cb: Codebook) -> CodebookChanges:
    changes = CodebookChanges()
    row = session.execute(select(t.codebook.c.id).order_by(t.codebook.c.id)).first()
    if row is None:
        cb_id = t.inserted_id(
            session.execute(
                t.codebook.insert().values(
                    uid=new_uid(), name=cb.name, version=cb.version, description=cb.description
                )
            )
        )
    else:
        cb_id = int(row[0])
        session.execute(
            update(t.codebook)
            .where(t.codebook.c.id == cb_id)
            .values(name=cb.name, version=cb.version, description=cb.description)
        )
    old_groups = session.execute(
        select(t.code_group.c.id, t.code_group.c.uid, t.code_group.c.name).where(
            t.code_group.c.codebook_id == cb_id
        )
    ).all()
    old_codes = session.execute(
        select(t.code.c.id, t.code.c.uid, t.code.c.name, t.code.c.group_id, t.code.c.active)
    ).all()
    seen_codes: set[int] = set()
    seen_groups: set[int] = set()
    ordered: list[int] = []
    renamed_ids: dict[int, str] = {}
    for gpos, group in enumerate(cb.groups):
        gid = _match(old_groups, group.id, group.name)
        values = {
            "name": group.name,
            "multiple": group.multiple,
            "description": group.description,
            "position": gpos,
            "active": True,
        }
        if gid is None:
            gid = t.inserted_id(
                session.execute(
                    t.code_group.insert().values(uid=group.id, codebook_id=cb_id, **values)
                )
            )
        else:
            session.execute(update(t.code_group).where(t.code_group.c.id == gid).values(**values))
        seen_groups.add(gid)
        if group.ordered:
            ordered.append(gid)
        group_codes = [c for c in old_codes if c[3] == gid]
        for cpos, code in enumerate(group.codes):
            cid = _match(old_codes, code.id, None) or _match(group_codes, "", code.name)
            cvalues = {
                "group_id": gid,
                "name": code.name,
                "key": code.key,
                "color": code.color,
                "definition": code.definition,
                "include": code.include,
                "exclude": code.exclude,
                "examples_json": json.dumps(list(code.examples)),
                "position": cpos,
                "active": True,
            }
            if cid is None:
                cid = t.inserted_id(session.execute(t.code.insert().values(uid=code.id, **cvalues)))
                changes.added.append(code.name)
            else:
                session.execute(update(t.code).where(t.code.c.id == cid).values(**cvalues))
                changes.updated.append(code.name)
                old_name = next(str(r[2]) for r in old_codes if r[0] == cid)
                if old_name != code.name:
                    changes.renamed.append((old_name, code.name))
                    renamed_ids[cid] = code.name
            seen_codes.add(cid)
    hidden_ids: dict[int, str] = {}
    for cid, _uid, name, _gid, active in old_codes:
        if cid not in seen_codes and active:
            session.execute(update(t.code).where(t.code.c.id == cid).values(active=False))
            changes.deactivated.append(name)
            hidden_ids[cid] = name
    counts = _label_counts(session, [*hidden_ids, *renamed_ids])
    changes.hidden_labels = {n: counts[c] for c, n in hidden_ids.items() if counts.get(c)}
    changes.renamed_labels = {n: counts[c] for c, n in renamed_ids.items() if counts.get(c)}
    for gid, *_ in old_groups:
        if gid not in seen_groups:
            session.execute(
                update(t.code_group).where(t.code_group.c.id == gid).values(active=False)
            )
    _save_ordered_groups(session, ordered)
    return changes


def _save_ordered_groups(session: Session, group_ids: Sequence[int]) -> None:
    """The uids of ordered groups, as JSON in the key-value meta table: a codebook property
    kept without a schema change (schema 2 has no column for it)."""
    uids = sorted(
        session.execute(select(t.code_group.c.uid).where(t.code_group.c.id.in_(group_ids)))
        .scalars()
        .all()
    )
    session.execute(t.meta.delete().where(t.meta.c.key == ORDERED_GROUPS_KEY))
    if uids:
        session.execute(t.meta.insert().values(key=ORDERED_GROUPS_KEY, value=json.dumps(uids)))


def _label_counts(session: Session, code_ids: list[int]) -> dict[int, int]:
    """code id -> labels on it, every coder (only asked for codes a load hides or renames)."""
    if not code_ids:
        return {}
    rows = session.execute(
        select(t.label.c.code_id, func.count())
        .where(t.label.c.code_id.in_(code_ids))
        .group_by(t.label.c.code_id)
    )
    return {int(c): int(n) for c, n in rows}


def _match(rows: Sequence[Any], uid: str, name: str | None) -> int | None:
    if uid:
        for r in rows:
            if r[1] == uid:
                return int(r[0])
    if name is not None:
        for r in rows:
            if r[2] == name:
                return int(r[0])
        for r in rows:
            if str(r[2]).casefold() == name.casefold():
                return int(r[0])
    return None
