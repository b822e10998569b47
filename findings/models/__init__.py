from .catalogue import CheckInfo
from .exceptions import FindingException
from .findings import Finding, FindingSighting, Result
from .hosts import Host

__all__ = ["CheckInfo", "Finding", "FindingException", "FindingSighting", "Host", "Result"]
