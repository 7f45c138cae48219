"""Custom Rasa 3.6 graph components for Chinese labour-law messages."""
