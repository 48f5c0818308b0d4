"""clinic-desk: reception-desk check-in for medical clinics."""

__version__ = "0.1.0"
