"""The Rasa assistant: domain, training data and custom NLU components (runs in .venv-rasa)."""
