"""Reusable Streamlit pieces. Pages and components call the core package ``omradesatsing``."""
