"""HTTP plumbing every capability shares: auth, errors, the request session, idempotency, pagination,
validation, OpenAPI, health and metrics."""
