"""Performance harness: ``python -m benchmarks [--quick]``. See docs/BENCHMARKS.md."""
