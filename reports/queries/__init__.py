"""Report queries: aggregations in PostgreSQL, one module per report family."""
