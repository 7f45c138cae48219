"""The gateway: one ASGI app that every channel (REST/CLI, LINE, Telegram, web chat) goes through."""
