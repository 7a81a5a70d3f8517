"""flowscope: map how data really flows through an estate and where it leaks out.

>>> import flowscope
>>> callable(flowscope.load)
True
"""

from flowscope.api import classify, export_estate, lineage, load, scan
from flowscope.model import Estate, Finding, Severity

__all__ = ["Estate", "Finding", "Severity", "classify", "export_estate", "lineage", "load", "scan"]
