"""The web chat: GET /chat (a static, mobile-first page) and POST /chat/api/messages (JSON).

No login: the page keeps an anonymous id in localStorage. `setup(app, settings)` mounts it; it needs
no secrets, so it is always on.
"""

from channels.webchat.routes import setup

__all__ = ["setup"]
