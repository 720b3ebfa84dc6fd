"""Settings: one pydantic model, layered sources, validated once with clear warnings."""

from aurelis.config.settings import Settings

__all__ = ["Settings"]
