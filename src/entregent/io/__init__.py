"""Files in and out: parsers that turn bytes into records, a loader that writes them through
the services layer in batches, and exporters (see DESIGN.md, "Layers")."""
