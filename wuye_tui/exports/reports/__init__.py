"""Reports: monthly complaint statistics, handover and patrol reports."""
