from .advanced import AdvancedReport
from .report import Report, ReportFile

__all__ = ["AdvancedReport", "Report", "ReportFile"]
