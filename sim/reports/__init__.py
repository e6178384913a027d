"""Presentation of results for people: the self-contained HTML report."""
