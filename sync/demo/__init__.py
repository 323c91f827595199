"""``hubshop demo``: the demo store, seeded explicitly, and the steps that run on it."""
