"""HTTP API (FastAPI)."""

from shopmind.procutil import configure_threads

configure_threads()  # also when an ASGI server imports the app without the CLI

from shopmind.api.app import create_app  # noqa: E402

__all__ = ["create_app"]
