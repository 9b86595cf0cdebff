"""Curation in the Django admin; every write goes through ``archive.services``."""

from archive.admin import articles, registries

__all__ = ["articles", "registries"]
