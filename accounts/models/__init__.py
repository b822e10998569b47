from .api_key import ApiKey
from .session import SessionToken
from .user import User

__all__ = ["ApiKey", "SessionToken", "User"]
