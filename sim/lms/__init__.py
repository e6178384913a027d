"""LMS reporting: a training session as xAPI 1.0.3 statements, queued on disk and sent to an LRS.

``statements`` builds them (pure functions, client-set ids), ``config`` reads where they go,
``outbox`` keeps them until an LRS has them, ``lrs`` sends them, ``reporter`` is what a front
end calls as a session goes, and ``session_file`` turns a saved session into the same
statements. docs/lms.md is the guide for facilitators and LMS admins.
"""
