"""The ``cxsim`` command line: validate scenarios, run and compare them headless, author them.

One module per command group (``run``, ``studies``, ``author``, ``sessions``), with what they
print in ``present``, the progress bars in ``progress``, the shared flags and checks in
``options``, and the application, front ends' commands and exit codes in ``application``.
Importing this package loads no numpy, pydantic or SimPy: each command imports the engine when
it runs, so ``cxsim --help`` starts fast.
"""

from sim.cli.application import app, main
from sim.cli.console import err, out

__all__ = ["app", "err", "main", "out"]
