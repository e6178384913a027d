"""The discrete-event engine on SimPy: customers walk journeys, queue, hit failures, are recovered or not.

``simulation.Simulation`` is the public face (advance in chunks, apply commands, read
records and results). The processes (journeys, channels, failures, decisions, outcomes) live
in one module each. Nothing here imports the CLI, reports or the game.
"""
