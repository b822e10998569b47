from .catalogue import PortList, Scanner, ScanProfile
from .run import RunHost, ScanRun
from .scan import Scan, Schedule, Target

__all__ = ["PortList", "RunHost", "Scan", "ScanProfile", "ScanRun", "Scanner", "Schedule", "Target"]
