"""Reports: one submission per tenant and period, its sections, evidence, comments, review."""
