"""Fake remote services for tests: small HTTP servers on loopback that keep state and log requests."""
