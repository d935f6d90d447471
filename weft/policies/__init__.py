"""Who may do what: pure predicates, asked on every path (see docs/architecture.md)."""
