"""The patient display (Textual): ``clinic-desk patient-display``."""
