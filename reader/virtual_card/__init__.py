"""A faithful emulator of the My Number card, for the demo, tests and fixtures."""
