"""The guard post (护卫): duty log, patrol, keys, shift handover."""
