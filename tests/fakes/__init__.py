"""Fakes of the chat platforms' APIs (real HTTP servers on 127.0.0.1) and the payloads the tests send."""
