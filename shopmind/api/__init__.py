"""HTTP API (FastAPI)."""

from shopmind.api.app import create_app

__all__ = ["create_app"]
