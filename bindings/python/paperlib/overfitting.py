"""The probability of backtest overfitting (PBO), by combinatorially symmetric
cross-validation (CSCV): Bailey, Borwein, Lopez de Prado and Zhu, "The Probability of Backtest
Overfitting", Journal of Computational Finance, 2015.

Given the performance of N strategies (parameter sets) over T periods - a T x N matrix of
returns -, CSCV asks how often the strategy that looks best in sample is below the median
out of sample:

1. Drop the first ``T mod S`` rows and cut the rest, in time order, into S (even) blocks
   of equal length.
2. For each of the C(S, S/2) ways to choose S/2 blocks: the chosen blocks, in time order, are
   the training set J, the others the test set J-bar.
3. Compute the performance of every strategy on J (R) and on J-bar (R-bar); by default the
   Sharpe ratio of the period returns, mean / standard deviation (ddof 1), not annualized -
   only ranks matter.
4. n* is the best strategy on J (the first of equal ones). Its relative rank on J-bar is
   w = rank / (N + 1), the rank counted from 1 (worst) to N (best), equal values sharing
   their average rank; the logit is lambda = ln(w / (1 - w)).
5. PBO is the fraction of the combinations whose lambda <= 0: the in-sample winner did no
   better than the out-of-sample median.

NaN performance (a strategy that never trades has no Sharpe ratio) ranks below every number.
A PBO near 0 says the selection carries over out of sample; near 0.5 (or above) that the
winner was picked from noise. numpy is needed (imported when :func:`pbo` runs).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable, Optional, Tuple

from .errors import ErrorCode, InvalidArgument

__all__ = ["PBOResult", "pbo", "sharpe", "choose_splits"]


@dataclass(frozen=True)
class PBOResult:
    """The outcome of :func:`pbo`."""

    #: the probability of backtest overfitting, in [0, 1]
    pbo: float
    #: lambda of each combination, in :func:`itertools.combinations` order of the blocks
    logits: Tuple[float, ...]
    #: the in-sample best strategy (column) of each combination
    best_in_sample: Tuple[int, ...]
    #: fraction of the combinations whose in-sample best has an out-of-sample performance
    #: below 0 (a Sharpe ratio: a loss)
    prob_oos_loss: float
    #: S, the number of blocks
    n_splits: int
    #: C(S, S/2)
    n_combinations: int
    #: N, the columns
    n_strategies: int
    #: rows used, T minus the T mod S dropped first rows
    n_periods: int


def sharpe(m: Any) -> Any:
    """Per column: mean / standard deviation (ddof 1) of the rows; NaN when the deviation is
    0 or there are fewer than two rows."""
    import numpy as np

    with np.errstate(invalid="ignore", divide="ignore"):
        sd = m.std(axis=0, ddof=1) if m.shape[0] > 1 else np.full(m.shape[1], np.nan)
        out = m.mean(axis=0) / sd
    out[~np.isfinite(sd) | (sd == 0)] = np.nan
    return out


def _sharpe_from_sums(s: Any, ss: Any, n: int) -> Any:
    import numpy as np

    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s / n
        var = (ss - s * mean) / (n - 1)
        sd = np.sqrt(np.where(var > 0, var, 0.0))
        out = mean / sd
    out[~(sd > 0)] = np.nan
    return out


def pbo(matrix: Any, n_splits: int = 16,
        metric: Optional[Callable[[Any], Any]] = None) -> PBOResult:
    """The probability of backtest overfitting of a T x N performance matrix.

    Args:
        matrix: T x N period returns (rows in time order, one column per strategy): a
            2-D numpy array, a DataFrame or nested lists.
        n_splits: S, even, 2 <= S <= T (Bailey et al. use 16).
        metric: the performance of each column of a sub-matrix, a function of a 2-D array
            returning N values (default :func:`sharpe`).
    Raises:
        InvalidArgument: a matrix that is not 2-D or has fewer than 2 columns, an odd or
            out-of-range S, a non-finite value (EINVAL).
    """
    import numpy as np

    m = np.asarray(matrix, dtype=np.float64)
    if m.ndim != 2:
        raise InvalidArgument(f"pbo: the matrix must be 2-D (T x N), not {m.ndim}-D",
                              ErrorCode.EINVAL)
    t, n = m.shape
    if n < 2:
        raise InvalidArgument(f"pbo: {n} strategy; at least 2 are needed", ErrorCode.EINVAL)
    if (not isinstance(n_splits, int) or isinstance(n_splits, bool) or n_splits < 2
            or n_splits % 2 or n_splits > t):
        raise InvalidArgument(f"pbo: n_splits must be an even whole number in [2, T={t}], "
                              f"not {n_splits!r}", ErrorCode.EINVAL)
    if not np.isfinite(m).all():
        raise InvalidArgument("pbo: the matrix holds NaN or infinite values", ErrorCode.EINVAL)
    s = n_splits
    m = m[t % s:]
    rows = m.shape[0] // s
    blocks = m.reshape(s, rows, n)
    combos = list(itertools.combinations(range(s), s // 2))
    if metric is None:
        # Sums per block make each combination's Sharpe ratio a few array operations.
        bs = blocks.sum(axis=1)
        bss = (blocks * blocks).sum(axis=1)
        pick = np.zeros((len(combos), s))
        for i, c in enumerate(combos):
            pick[i, list(c)] = 1.0
        k = (s // 2) * rows
        r_in = _sharpe_from_sums(pick @ bs, pick @ bss, k)
        r_out = _sharpe_from_sums((1 - pick) @ bs, (1 - pick) @ bss, k)
    else:
        r_in = np.empty((len(combos), n))
        r_out = np.empty((len(combos), n))
        for i, c in enumerate(combos):
            rest = [b for b in range(s) if b not in c]
            r_in[i] = np.asarray(metric(blocks[list(c)].reshape(-1, n)), dtype=np.float64)
            r_out[i] = np.asarray(metric(blocks[rest].reshape(-1, n)), dtype=np.float64)
    r_in = np.where(np.isnan(r_in), -np.inf, r_in)
    r_out_ranked = np.where(np.isnan(r_out), -np.inf, r_out)
    best = np.argmax(r_in, axis=1)  # the first of equal values
    rows_idx = np.arange(len(combos))
    chosen = r_out_ranked[rows_idx, best][:, None]
    below = (r_out_ranked < chosen).sum(axis=1)
    equal = (r_out_ranked == chosen).sum(axis=1)  # itself included
    rank = 1.0 + below + (equal - 1) / 2.0
    w = rank / (n + 1)
    logits = np.log(w / (1.0 - w))
    oos_of_best = r_out[rows_idx, best]
    loss = np.where(np.isnan(oos_of_best), False, oos_of_best < 0)
    return PBOResult(
        pbo=float((logits <= 0).mean()),
        logits=tuple(float(x) for x in logits),
        best_in_sample=tuple(int(b) for b in best),
        prob_oos_loss=float(loss.mean()),
        n_splits=s,
        n_combinations=len(combos),
        n_strategies=n,
        n_periods=int(m.shape[0]),
    )


def choose_splits(n_periods: int, preferred: int = 16) -> Optional[int]:
    """The S :func:`pbo` can use for ``n_periods`` rows: ``preferred`` when there are that
    many rows, else the largest even number of rows there are; None below 4 rows (too few
    for two blocks of two periods)."""
    if n_periods < 4:
        return None
    return min(preferred, n_periods - n_periods % 2)

