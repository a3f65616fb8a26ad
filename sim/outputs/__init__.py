"""What a run writes: tidy tables, the summary, run plots, all written atomically."""
