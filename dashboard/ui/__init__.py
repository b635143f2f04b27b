"""Streamlit views. Only this sub-package imports Streamlit."""
