"""Invoice documents: the qualified invoice (R14) as PDF, and its lines as CSV."""
