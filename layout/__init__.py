"""layout: YAML edition manifests -> print-ready PDF editions of a Chinese broadsheet daily.

The data flows one way, and the modules are ordered the same way:
manifest (YAML -> model) -> styles + fonts -> typeset (CJK lines) -> compose (display lists)
-> render (ReportLab) -> assemble (ReportLab: the edition) -> checks.
"""

__version__ = "0.1.0"
