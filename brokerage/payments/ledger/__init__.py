"""The ledger: every money movement once, in integer pence (models, writing, finance reads and pages)."""
