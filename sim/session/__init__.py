"""Game sessions on disk (``cxsim.session/1``) and their exact replay."""
