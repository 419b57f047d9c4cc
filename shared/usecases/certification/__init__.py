"""Certification and re-certification use cases: API routes (`cases`), workflow steps (`steps`) and
the certifiers' roster (`roster`)."""
