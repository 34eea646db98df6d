"""Running diplowatch for real: a project-local Airflow (``make ui``), failure callbacks, compose helpers."""
