"""What the dashboard computes: filters, metrics, statistics and map classes."""
