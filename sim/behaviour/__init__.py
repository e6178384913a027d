"""The customer model's formulas as small pure functions: experience, memory, loyalty (no SimPy).

Each equation is documented with its source and evidence grade in docs/model.md; the worked
cases there are checked against these functions by the tests.
"""
