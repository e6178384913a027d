"""What a run produced: the streaming metrics observer and the results document (``cxsim.run/1``)."""
