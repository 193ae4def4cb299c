"""The open, versioned read API of the sector data (and token-scoped writes): /api/v1/."""
