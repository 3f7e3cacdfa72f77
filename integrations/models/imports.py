"""See integrations/models/__init__.py."""
__all__ = []
