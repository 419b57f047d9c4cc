"""Adapters at the edge: boto3, environment, wall clock. Nothing here holds a business rule."""
