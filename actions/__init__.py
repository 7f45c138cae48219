"""Custom actions for the Rasa assistant (rasa-sdk). Thin wrappers over the library packages.

The action server imports every module of this package and registers the Action classes in them.
"""
