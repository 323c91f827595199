"""Composition: the one place that turns Settings into adapters and hands them to the engines."""
