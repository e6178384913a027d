"""Headless studies: replications with confidence intervals, paired comparisons, sweeps, Erlang checks."""
