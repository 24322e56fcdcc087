"""The gate desks: check-in, on-site board, vehicles, passes and release slips."""
