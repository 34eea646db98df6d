"""Benchmarks at scale: a seeded data generator (``bench.generate``) and the runner (``bench.run``)."""
