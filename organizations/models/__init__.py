from .organization import Organization

__all__ = ["Organization"]
