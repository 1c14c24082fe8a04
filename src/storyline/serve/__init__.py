"""SERVE: the HTTP API and the web UI, thin shells over the library."""
