"""The onboarding HTTP API: ``create_app()`` builds the FastAPI app that ``faibric serve`` runs."""

from .app import create_app

__all__ = ["create_app"]
