"""The t quantile behind every interval: scipy.stats' own numbers, without paying for importing scipy.stats."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from scipy.stats import t as student_t

from sim.experiments.stats import mean_interval, t_quantile


@pytest.mark.parametrize("df", [1, 2, 4, 19, 39, 1000, 0.5, 7.3, math.inf])
@pytest.mark.parametrize("p", [0.975, 0.99375, 0.5 + 0.99 / 2, 0.6])
def test_the_quantile_is_scipy_stats_to_the_bit(df: float, p: float):
    assert t_quantile(p, df) == float(student_t.ppf(p, df))


def test_no_degrees_of_freedom_has_no_quantile():
    assert math.isnan(t_quantile(0.975, 0))


def test_an_interval_of_20_replications_uses_t_with_19_degrees_of_freedom():
    iv = mean_interval([0.0, 2.0] * 10)
    assert iv.high - iv.mean == pytest.approx(2.093024054 * math.sqrt(20 / 19) / math.sqrt(20), abs=1e-9)


def test_the_experiments_module_does_not_import_scipy_stats():
    code = "import sys, sim.experiments.experiment; print('scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
