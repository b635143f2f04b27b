"""Running the dashboard in production: the health endpoint, backups and restores (Streamlit-free)."""
