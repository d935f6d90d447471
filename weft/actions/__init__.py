"""Every state change, verb-first, one module per area (see docs/architecture.md)."""
