"""SERVE: the HTTP API and the web UI, thin shells over the library.

- :mod:`~storyline.serve.app`: :func:`create_app`, the API's routes and its error answers;
- :mod:`~storyline.serve.views`: what the routes and pages read from the store, per request
  (:class:`StoreReader`);
- :mod:`~storyline.serve.guards`: the rate limit, the body size limit and the write token;
- :mod:`~storyline.serve.pages` and ``templates/``: the web UI's pages.
"""

from __future__ import annotations

from storyline.serve.app import create_app
from storyline.serve.guards import API_LIMITS, TOKEN_ENV_VAR, is_loopback, write_token_for
from storyline.serve.views import StoreReader

__all__ = [
    "API_LIMITS",
    "TOKEN_ENV_VAR",
    "StoreReader",
    "create_app",
    "is_loopback",
    "write_token_for",
]
