"""``python -m sim`` runs the cxsim command line."""

from .cli import main

main()
