"""Performance patches for rasa 3.6.21, applied when the `bot` package is imported inside Rasa.

Why: rasa's RemoteAction checks every action server response with `jsonschema.validate(result, schema)`.
That call re-checks the (large) events schema against the JSON Schema meta-schema and rebuilds a
validator and its reference resolver each time: 19.6 ms per response on this machine, 40-55 % of the Rasa
server's CPU under load (py-spy, bench/burst.py). Validating with one validator built once gives the same
answers (same schema, same draft, same ValidationError) in 0.3 ms.

The patch is applied only to the rasa version it was written for; any other version is left alone and
says so in the log, so an upgrade can never silently run a wrong patch.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Dict, Text

logger = logging.getLogger(__name__)

PATCHED_RASA_VERSION = "3.6.21"
_MARK = "_labourbot_cached_validator"


@functools.lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate would on every call
    return cls(schema)


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """Same contract as RemoteAction._validate_action_result: True, or the ValidationError, annotated."""
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _action_response_validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise e


def install() -> bool:
    """Apply the patches if this is the rasa they were written for. Returns whether they are in place."""
    try:
        import rasa
        from rasa.core.actions.action import RemoteAction
    except ImportError:  # imported outside .venv-rasa (e.g. a linter): nothing to patch
        return False
    if getattr(RemoteAction._validate_action_result, _MARK, False):
        return True
    if rasa.__version__ != PATCHED_RASA_VERSION:
        logger.warning("rasa %s is not %s: action-response validation left unpatched (slower)",
                       rasa.__version__, PATCHED_RASA_VERSION)
        return False
    setattr(_validate_action_result, _MARK, True)
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    return True
