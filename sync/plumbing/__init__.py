"""Shared plumbing: clocks, retries, pacing, redaction, logging and progress."""
