"""The estate model: graph, ids, provenance, findings. Imports nothing of the project."""

from flowscope.model.diagnostics import Diagnostic, InputError, Level
from flowscope.model.estate import EDGE_KINDS, NODE_KINDS, Estate, Policy
from flowscope.model.finding import Finding, Hop, Severity, Stride
from flowscope.model.provenance import Source

__all__ = [
    "EDGE_KINDS",
    "NODE_KINDS",
    "Diagnostic",
    "Estate",
    "Finding",
    "Hop",
    "InputError",
    "Level",
    "Policy",
    "Severity",
    "Source",
    "Stride",
]
