"""Percentile bootstrap interval for Krippendorff's alpha, resampling units.

Method: the nonparametric (Efron) bootstrap. Each draw resamples the data's units with
replacement (all units, so the number of pairable units varies as it would in a new sample),
recomputes alpha from scratch (for the ordinal metric including its marginal-dependent
distances), and the interval is the 2.5th and 97.5th percentile of the draws (numpy's default
linear interpolation). Units with the same values contribute identically, so drawing n units
with replacement is the same as a multinomial draw of n over the unit patterns with
probabilities proportional to their frequency; we draw that way, which is exact and fast.

This is not Hayes & Krippendorff's (2007) KALPHA bootstrap, which resamples pairs of values
from the coincidence matrix with a fixed number of pairable values per draw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from annotator.agreement.coefficients import NOTE_NOT_PAIRABLE, difference_matrix
from annotator.agreement.data import ReliabilityData
from annotator.agreement.profile import UnitProfile

FloatArray = npt.NDArray[np.float64]

DEFAULT_SEED = 20110101
DEFAULT_DRAWS = 1000
_CHUNK_CELLS = 4_000_000  # draws x patterns (x K^2 for ordinal) held in memory at once


@dataclass(frozen=True)
class BootstrapInterval:
    """Percentile interval; ``share_below_800``/``_667`` are the shares of draws under
    Krippendorff's thresholds (the risk of the true alpha missing them)."""

    low: float | None
    high: float | None
    confidence: float
    draws: int
    defined_draws: int
    seed: int
    share_below_800: float | None = None
    share_below_667: float | None = None
    note: str = ""


def bootstrap_alpha(
    data: ReliabilityData,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    level: str | None = None,
    confidence: float = 0.95,
) -> BootstrapInterval:
    """Bootstrap interval for alpha at the data's level (or ``level``)."""
    return bootstrap_alpha_profile(
        data.profile, difference_matrix(data, level), n_draws, seed, confidence
    )


def bootstrap_alpha_profile(
    profile: UnitProfile,
    delta: FloatArray | Callable[[FloatArray], FloatArray],
    n_draws: int,
    seed: int,
    confidence: float = 0.95,
) -> BootstrapInterval:
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    n_units = round(float(profile.weight.sum()))
    m = profile.n_values
    pair = m >= 2
    if n_draws <= 0:
        return BootstrapInterval(None, None, confidence, 0, 0, seed, note="no draws requested")
    if not pair.any():
        return BootstrapInterval(None, None, confidence, n_draws, 0, seed, note=NOTE_NOT_PAIRABLE)

    counts = profile.counts * pair[:, None]
    inv = np.zeros_like(m)
    inv[pair] = 1.0 / (m[pair] - 1)
    n_pat, k = counts.shape
    ordinal = callable(delta)
    if ordinal:
        per_pattern = counts[:, :, None] * counts[:, None, :]
        per_pattern[:, np.arange(k), np.arange(k)] -= counts
        per_pattern = (per_pattern * inv[:, None, None]).reshape(n_pat, k * k)
        cells = n_pat + k * k
    else:
        d = np.asarray(delta)
        do_unit = np.einsum("pk,kl,pl->p", counts, d, counts) * inv
        cells = n_pat + k
    chunk = max(1, _CHUNK_CELLS // max(cells, 1))
    pvals = profile.weight / profile.weight.sum()
    rng = np.random.default_rng(seed)
    alphas: list[FloatArray] = []
    done = 0
    while done < n_draws:
        b = min(chunk, n_draws - done)
        f = rng.multinomial(n_units, pvals, size=b).astype(np.float64)
        n_c = f @ counts
        n = n_c.sum(axis=1)
        if ordinal:
            dd = delta(n_c)  # type: ignore[operator]
            o = (f @ per_pattern).reshape(b, k, k)
            do_sum = (o * dd).sum(axis=(1, 2))
            de_sum = np.einsum("bk,bkl,bl->b", n_c, dd, n_c)
        else:
            do_sum = f @ do_unit
            de_sum = np.einsum("bk,kl,bl->b", n_c, d, n_c)
        ok = (de_sum > 0) & (n > 1)
        alpha = 1.0 - (n[ok] - 1) * do_sum[ok] / de_sum[ok]
        alphas.append(alpha)
        done += b
    values = np.concatenate(alphas)
    defined = int(values.size)
    if defined == 0:
        return BootstrapInterval(
            None,
            None,
            confidence,
            n_draws,
            0,
            seed,
            note="alpha was undefined in every draw (no variation in the values)",
        )
    tail = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(values, [tail, 1.0 - tail])
    note = ""
    if defined < n_draws:
        note = f"{n_draws - defined} of {n_draws} draws had undefined alpha and were left out"
    return BootstrapInterval(
        float(lo),
        float(hi),
        confidence,
        n_draws,
        defined,
        seed,
        float(np.mean(values < 0.800)),
        float(np.mean(values < 0.667)),
        note,
    )
