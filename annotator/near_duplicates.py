"""Near-duplicate articles: the same wire story in several outlets, a corrected version.

Exact re-imports are skipped by content hash; these are texts that differ a little (an outlet's
byline, a corrected figure, a sentence added). Each article gets a MinHash signature of its word
3-grams (datasketch's ``MinHash``, 128 permutations, computed here with numpy); the banding
of datasketch's ``MinHashLSH`` finds candidate pairs whose estimated Jaccard similarity may
reach THRESHOLD (done for many articles at once with numpy: see ``candidate_pairs``), and each
candidate is confirmed on the signatures. Confirmed pairs join groups (transitively: A~B and
B~C make one group).

Why word 3-grams at 0.7: a reprint with its own headline, byline and boilerplate keeps most
3-grams (measured in tests/core/test_near_duplicates.py); two different stories on the same
event share names and phrases but few runs of three words. Tokens are lower-cased runs of
letters and digits (and of non-ASCII characters), so spacing, punctuation and line breaks never
matter.

Why crc32 for the shingles: signatures are stored and compared across sessions, so the hash must
be stable (Python's ``hash`` is salted per process); crc32 is in the standard library and a
fraction of the cost of datasketch's default sha1.

Why the permutations are computed here, not taken from ``datasketch.MinHash``: importing
datasketch imports scipy (its LSH integrates a probability), 80 MB the built app leaves out; and
signatures stored in a project must not change when a datasketch upgrade changes how it draws
its permutations. They are datasketch's (affine32, seed 1): a test holds them equal to
``MinHash(...).permutations``, and the signatures equal to ``MinHash.update_batch``.

The researcher decides per group: keep all (every member marked "kept") or keep some and mark
the rest "duplicate"; agreement and exports leave "duplicate" articles out.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

NUM_PERM = 128
THRESHOLD = 0.7
SEED = 1
SCHEME = "affine32"

KEPT = "kept"
DUPLICATE = "duplicate"
MARKS = ("", KEPT, DUPLICATE)

#: bytes -> bytes: ASCII letters and digits stay, other ASCII becomes a space; bytes of non-ASCII
#: characters stay (UTF-8 letters of other scripts are kept whole). A regex over str is 8x slower.
_ALNUM = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") | set(
    range(128, 256)
)
_TOKENS = bytes(c if c in _ALNUM else 0x20 for c in range(256))
#: typographic punctuation a reprint may spell differently from the original
_PUNCT = str.maketrans(
    dict.fromkeys("\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2026\u00a0\u00ab\u00bb", " ")
)
_P1 = np.uint64(0x9E3779B1)
_P2 = np.uint64(0x85EBCA77)
_MASK = np.uint64(0xFFFFFFFF)

Signature = npt.NDArray[np.uint32]


def shingle_hashes(text: str) -> npt.NDArray[np.uint64]:
    """32-bit hashes of the text's word 3-grams (of its words if it has fewer than three)."""
    text = text.lower()
    if not text.isascii():
        text = text.translate(_PUNCT)
    words = text.encode("utf-8", "replace").translate(_TOKENS).split()
    if not words:
        return np.zeros(0, dtype=np.uint64)
    h = np.array(list(map(zlib.crc32, words)), dtype=np.uint64)
    if len(h) < 3:
        return h
    return (h[:-2] * _P1 + h[1:-1] * _P2 + h[2:]) & _MASK


def permutations() -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """The affine maps h -> a*h + b (mod 2^32) of the signature, a odd: what datasketch 2's
    ``MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")`` draws (see the module's
    docstring for why they are drawn here)."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def signature(text: str) -> Signature:
    """The article's MinHash signature (NUM_PERM uint32 values)."""
    return signatures([text])[0]


#: MurmurHash3's 32-bit finalizer constants, as datasketch's affine32 scheme pre-mixes inputs
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))


def _fmix32(hv: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    s1, m1, s2, m2 = _FMIX
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s1)


def signatures(texts: Sequence[str]) -> list[Signature]:
    """Signatures of many texts: datasketch's MinHash (affine32 scheme, its permutations).

    ``MinHash.update_batch`` per text spent half its time on per-call work (a Python call per
    shingle, a dozen small numpy calls); here the shingles of all texts are pre-mixed in one
    numpy pass and each text costs one multiply-add and one min over its shingles x
    permutations. The values are datasketch's: tests/core/test_near_duplicates.py compares
    them with ``MinHash.update_batch`` text by text.
    """
    a, b = permutations()
    empty = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    hashes = [shingle_hashes(t).astype(np.uint32) for t in texts]
    if not hashes:
        return []
    mixed = _fmix32(np.concatenate(hashes))
    out: list[Signature] = []
    at = 0
    for h in hashes:
        n = len(h)
        if n:
            part = mixed[at : at + n, None]
            out.append((part * a + b).min(axis=0))
        else:
            out.append(empty.copy())
        at += n
    return out


def to_bytes(sig: Signature) -> bytes:
    return np.asarray(sig, dtype="<u4").tobytes()


def from_bytes(data: bytes) -> Signature:
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of two articles' 3-gram sets."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


@dataclass(frozen=True)
class Member:
    """An article in a near-duplicate group."""

    article_id: int
    similarity: float  # with the group's first article
    mark: str = ""


@dataclass(frozen=True)
class Group:
    """A group of near-duplicates; ``group_id`` is its first (lowest) article id."""

    group_id: int
    members: tuple[Member, ...]

    @property
    def article_ids(self) -> list[int]:
        return [m.article_id for m in self.members]


class _Union:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(x, x) != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


#: a bucket larger than this is checked against its first member only (not pair by pair): many
#: articles of a few identical words would otherwise cost the square of their number
BUCKET_PAIRS_MAX = 64


#: MinHashLSH's choice for THRESHOLD and NUM_PERM (bands x rows; its optimum of false positives
#: and negatives). Written out because computing it imports scipy; tests hold it equal.
LSH_BANDS, LSH_ROWS = 14, 9


def lsh_bands(threshold: float = THRESHOLD) -> list[tuple[int, int]]:
    """The band ranges datasketch's MinHashLSH uses for this threshold, so candidates are those
    MinHashLSH would give. Written out for THRESHOLD, the only one the app uses (datasketch is a
    test-time reference, not a run-time dependency: see the module's docstring)."""
    if threshold != THRESHOLD:
        raise ValueError(f"LSH bands are written out for a threshold of {THRESHOLD} only")
    return [(i * LSH_ROWS, (i + 1) * LSH_ROWS) for i in range(LSH_BANDS)]


def candidate_pairs(
    signatures: dict[int, Signature], new: Sequence[int], threshold: float = THRESHOLD
) -> set[tuple[int, int]]:
    """Pairs (a < b), at least one of them new, that share a band of their signatures.

    The banding of MinHashLSH, done for all articles at once with numpy: MinHashLSH inserts and
    queries one key at a time in Python, which cost 18 of the 38 s the search took on 100,000
    articles; sorting each band's values costs a fraction of that (bench/bench_near_duplicates).
    tests/core/test_near_duplicates.py holds the pairs equal to MinHashLSH's query results.
    """
    ids = np.fromiter(signatures, dtype=np.int64, count=len(signatures))
    if len(ids) < 2:
        return set()
    matrix = np.stack([signatures[int(a)] for a in ids])
    fresh = np.isin(ids, np.asarray(new, dtype=np.int64))
    pairs: set[tuple[int, int]] = set()
    for start, end in lsh_bands(threshold):
        band = np.ascontiguousarray(matrix[:, start:end])
        keys = band.view(np.dtype((np.void, band.dtype.itemsize * (end - start)))).ravel()
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        shared = np.nonzero(counts[inverse] > 1)[0]
        if not len(shared):
            continue
        shared = shared[np.argsort(inverse[shared], kind="stable")]
        cuts = np.nonzero(np.diff(inverse[shared]))[0] + 1
        for bucket in np.split(shared, cuts):
            if not fresh[bucket].any():
                continue
            members = [int(a) for a in ids[bucket]]
            if len(members) > BUCKET_PAIRS_MAX:
                pairs.update((members[0], m) for m in members[1:])
                continue
            is_new = {int(a) for a, f in zip(ids[bucket], fresh[bucket], strict=True) if f}
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    if a in is_new or b in is_new:
                        pairs.add((min(a, b), max(a, b)))
    return pairs


def find_groups(
    signatures: dict[int, Signature],
    new: Iterable[int],
    existing: dict[int, int],
    marks: dict[int, str] | None = None,
    threshold: float = THRESHOLD,
) -> list[Group]:
    """Groups that hold at least one of the ``new`` article ids.

    ``signatures``: article id -> signature for every article to compare against (new ones
    included); ``existing``: article id -> group id of the groups already stored, which new
    members join (two stored groups a new article links become one). ``marks`` keep the
    researcher's decisions on members already grouped.
    """
    new_ids = sorted(set(new) & set(signatures))
    if not new_ids:
        return []
    groups = _Union()
    for aid, gid in existing.items():
        groups.union(aid, gid)
    linked: set[int] = set()
    for a, b in candidate_pairs(signatures, new_ids, threshold):
        if similarity(signatures[a], signatures[b]) >= threshold:
            groups.union(a, b)
            linked.update((a, b))
    members: dict[int, set[int]] = {}
    for aid in linked | set(existing):
        members.setdefault(groups.find(aid), set()).add(aid)
    touched = {groups.find(a) for a in new_ids if a in linked}
    marks = marks or {}
    out = []
    for root in sorted(touched):
        ids = sorted(members[root])
        first = signatures.get(ids[0])
        out.append(
            Group(
                ids[0],
                tuple(
                    Member(
                        a,
                        1.0
                        if a == ids[0] or first is None or a not in signatures
                        else similarity(first, signatures[a]),
                        marks.get(a, ""),
                    )
                    for a in ids
                ),
            )
        )
    return out


def keep_marks(group: Group, keep: Sequence[int] | None) -> dict[int, str]:
    """The marks a decision gives: ``keep`` None keeps all; else the kept ids (at least one,
    all in the group) are "kept" and the rest "duplicate"."""
    ids = group.article_ids
    if keep is None:
        return dict.fromkeys(ids, KEPT)
    chosen = set(keep)
    if not chosen or not chosen <= set(ids):
        raise ValueError(
            f"keep at least one article of group {group.group_id} (its articles: "
            f"{', '.join(map(str, ids))})"
        )
    return {a: KEPT if a in chosen else DUPLICATE for a in ids}
