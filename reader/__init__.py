"""PC/SC and the My Number card. Knows APDUs, not patients or HTTP."""
