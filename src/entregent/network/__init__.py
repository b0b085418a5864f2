"""The data model of a network: people, their ties, what passed between them."""
