"""The Rasa assistant: domain, training data and custom NLU components (runs in .venv-rasa).

Rasa imports this package at start-up (the rest_parse channel in credentials.yml, the custom components
in config.yml), so the performance patches in rasa_patches.py are installed here, once, for `rasa run`,
`rasa test` and `rasa shell` alike.
"""

from bot import rasa_patches

rasa_patches.install()
