"""nb_label's benchmarks: scripts anyone can rerun; results are recorded in BENCHMARKS.md."""
