"""Shared pieces of the REST API v1: router, auth, pagination, errors, schema."""
