"""The gate's devices: slips on the ESC/POS printer, plate-camera events."""
