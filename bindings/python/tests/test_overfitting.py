"""The probability of backtest overfitting (CSCV): a matrix computed by hand, pure noise, one
real edge, and a plain re-implementation of Bailey et al.'s steps on random matrices."""

import itertools
import math

import pytest

np = pytest.importorskip("numpy")

from paperlib import InvalidArgument
from paperlib.overfitting import choose_splits, pbo, sharpe


def mean(m):
    return m.mean(axis=0)


def test_a_matrix_computed_by_hand():
    # 4 periods, 3 strategies, S = 4 blocks of one period, metric = the mean. The 6 ways to
    # train on 2 blocks, with the in-sample sums, the best (first of equal), the test sums and
    # that strategy's rank among them (1 worst .. 3 best, ties averaged), w = rank / 4:
    #   train {0,1}: [4,1,1] -> 0; test {2,3}: [2,2,3]: 0 ties 1, lowest -> 1.5, w .375
    #   train {0,2}: [4,2,1] -> 0; test {1,3}: [2,1,3]: one below     -> 2,   w .5
    #   train {0,3}: [2,2,2] -> 0; test {1,2}: [4,1,2]: the highest   -> 3,   w .75
    #   train {1,2}: [4,1,2] -> 0; test {0,3}: [2,2,2]: all equal     -> 2,   w .5
    #   train {1,3}: [2,1,3] -> 2; test {0,2}: [4,2,1]: the lowest    -> 1,   w .25
    #   train {2,3}: [2,2,3] -> 2; test {0,1}: [4,1,1]: ties 1, lowest -> 1.5, w .375
    # logit(w) = ln(w / (1 - w)): 5 of 6 are <= 0 (w = .5 gives exactly 0), so PBO = 5/6.
    m = [[2, 1, 0],
         [2, 0, 1],
         [2, 1, 1],
         [0, 1, 2]]
    r = pbo(m, 4, metric=mean)
    assert r.pbo == 5 / 6
    expected = [math.log(0.6), 0.0, math.log(3), 0.0, math.log(1 / 3), math.log(0.6)]
    assert r.logits == pytest.approx(expected, abs=1e-15)
    assert r.logits[1] == 0.0 and r.logits[3] == 0.0  # exactly the median: counted
    assert r.best_in_sample == (0, 0, 0, 0, 2, 2)
    assert (r.n_splits, r.n_combinations, r.n_strategies, r.n_periods) == (4, 6, 3, 4)
    assert r.prob_oos_loss == 0.0  # every out-of-sample mean is >= 0


def test_pure_noise_is_a_coin_flip():
    # 50 strategies of i.i.d. noise: picking the in-sample best is no better than picking
    # one at random, so the winner lands below the median about half the time. One matrix's
    # PBO scatters widely (about +-0.14), their mean does not.
    rng = np.random.default_rng(2015)
    values = [pbo(rng.normal(0.0, 0.01, (1000, 50))).pbo for _ in range(12)]
    assert all(0.1 < v < 0.9 for v in values), values
    assert abs(sum(values) / len(values) - 0.5) < 0.1, values


def test_one_real_edge_is_not_overfitting():
    rng = np.random.default_rng(1)
    m = rng.normal(0.0, 0.01, (1000, 50))
    m[:, 17] += 0.004  # a per-period Sharpe ratio of 0.4: real, and visible in any half
    r = pbo(m)
    assert r.pbo < 0.02
    assert r.n_combinations == 12870 and r.n_periods == 992  # 1000 - 1000 mod 16 (first dropped)
    assert sum(b == 17 for b in r.best_in_sample) / r.n_combinations > 0.98
    assert r.prob_oos_loss < 0.02


def naive(m, s, metric):
    """Bailey et al.'s steps, written out plainly: blocks, combinations, ranks, logits."""
    t, n = len(m), len(m[0])
    m = m[t % s:]
    size = len(m) // s
    blocks = [m[i * size:(i + 1) * size] for i in range(s)]
    logits = []
    for c in itertools.combinations(range(s), s // 2):
        train = np.array([row for i in c for row in blocks[i]])
        test = np.array([row for i in range(s) if i not in c for row in blocks[i]])
        r_in, r_out = list(metric(train)), list(metric(test))
        best = r_in.index(max(r_in))
        v = r_out[best]
        rank = sum(1 for x in r_out if x < v) + (sum(1 for x in r_out if x == v) + 1) / 2
        w = rank / (n + 1)
        logits.append(math.log(w / (1 - w)))
    return sum(1 for x in logits if x <= 0) / len(logits), logits


@pytest.mark.parametrize("seed,t,n,s", [(1, 37, 5, 6), (2, 64, 8, 8), (3, 101, 3, 10)])
def test_the_same_as_the_steps_written_out(seed, t, n, s):
    rng = np.random.default_rng(seed)
    m = rng.normal(0.001, 0.02, (t, n))
    want, logits = naive(m, s, sharpe)
    r = pbo(m, s)
    assert r.pbo == want
    assert r.logits == pytest.approx(logits, rel=1e-12)
    # A user metric goes through the general path and agrees too.
    r2 = pbo(m, s, metric=sharpe)
    assert r2.pbo == want and r2.logits == pytest.approx(logits, rel=1e-12)


def test_nan_performance_ranks_last():
    # A strategy that never moves has no Sharpe ratio (0 / 0): it is never the best in
    # sample and ranks below every number out of sample.
    rng = np.random.default_rng(4)
    m = rng.normal(0, 0.01, (64, 4))
    m[:, 2] = 0.0
    r = pbo(m, 8)
    assert 2 not in r.best_in_sample


def test_bad_input():
    with pytest.raises(InvalidArgument, match="even"):
        pbo(np.zeros((20, 3)), 5)
    with pytest.raises(InvalidArgument, match="even"):
        pbo(np.zeros((6, 3)), 8)  # more blocks than rows
    with pytest.raises(InvalidArgument, match="at least 2"):
        pbo(np.zeros((20, 1)), 4)
    with pytest.raises(InvalidArgument, match="2-D"):
        pbo(np.zeros(20), 4)
    with pytest.raises(InvalidArgument, match="NaN"):
        pbo([[1.0, float("nan")], [0.0, 1.0], [1.0, 2.0], [3.0, 1.0]], 2)
    assert choose_splits(3) is None and choose_splits(4) == 4 and choose_splits(9) == 8
    assert choose_splits(200) == 16 and choose_splits(200, 8) == 8
