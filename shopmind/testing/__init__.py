"""Helpers for tests of shopmind and of code built on it: a real server on loopback, the demo shop."""
