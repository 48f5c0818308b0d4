"""The clinic manager's side of the desk: the manager PIN, sealing of the insurer
reference of withheld records, and the review of flagged mismatches (UI-free)."""
