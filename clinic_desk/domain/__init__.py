"""Domain models of clinic-desk: what the desk knows about cards, records and check-ins.

Each model converts itself from and to its wire form (FHIR R4 JSON for
records), so no widget, screen or client builds that form by hand.
"""
