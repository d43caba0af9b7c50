"""Mail ingestion inside the app: the store step and its commands."""
