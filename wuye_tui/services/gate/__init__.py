"""The gate register (门岗): visitors, vehicles, passes, slips, watch list."""
