"""The `entregent` command line."""
