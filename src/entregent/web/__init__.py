"""The web interface: views over the same services and queries as the CLI."""
