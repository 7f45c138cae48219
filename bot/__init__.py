"""The Rasa assistant: domain, training data and custom NLU components (runs in .venv-rasa).

Importing this package changes nothing in Rasa: the patches in rasa_patches.py are installed only by the
serving entry point, bot/run.py (`python -m bot.run run ...`, what `labourbot serve` starts).
"""
