"""The Textual reception desk: screens and widgets only render check-in views."""
