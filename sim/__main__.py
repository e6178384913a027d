"""``python -m sim`` runs the cxsim command line."""

from sim.cli import main

main()
