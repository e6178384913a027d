"""Tools for trainers who write scenarios: starter templates, lint, lessons checked over replications, docs."""
