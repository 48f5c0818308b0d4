"""The patient's side of the counter, without a screen: what the patient display may
show (``PatientView``), the messages between desk and display, and both ends of the
local link. The Textual display itself is ``clinic_desk.patient_app``."""

from clinic_desk.patient.view import PatientStage, PatientView, patient_view

__all__ = ["PatientStage", "PatientView", "patient_view"]
