"""Guard post desks: duty log, patrol round, shift handover, keys, and the supervisor's
handover report and patrol coverage."""
