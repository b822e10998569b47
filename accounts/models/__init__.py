from .api_key import ApiKey
from .mfa import RecoveryCode, SmsCode, SmsPurpose, TotpDevice
from .one_time_token import OneTimeToken, TokenPurpose
from .preference import NotificationKind, NotificationPreference
from .session import SessionToken
from .sign_in_failure import SignInFailureCounter
from .user import User

__all__ = [
    "ApiKey", "NotificationKind", "NotificationPreference", "OneTimeToken", "RecoveryCode", "SessionToken",
    "SignInFailureCounter",
    "SmsCode", "SmsPurpose", "TokenPurpose", "TotpDevice", "User",
]
