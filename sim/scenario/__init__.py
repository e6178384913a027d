"""The trainer-facing file format: pydantic models, the TOML loader with located errors, cross-checks.

Nothing here imports the engine: a scenario is data, validated once, then handed to
``sim.engine``. ``schema`` holds the models, ``loader`` turns TOML bytes into a validated
``Scenario`` (or one ``FILE:LINE: key.path: message`` per problem), ``checks`` the rules no
single model can see (references between tables, probabilities that must sum to 1).
"""
