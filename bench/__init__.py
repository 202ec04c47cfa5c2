"""Benchmarks of «Инциденты» (scripts, not tests): each ``bench_*.py`` runs on its own, and
``python -m bench`` runs them all on one generated database of 1,000,000 incidents (see ``__main__``)."""
