"""Running gridapp for real: the request id and the log lines, /healthz, the pages for requests
that are too large or malformed, and the system checks of a deployment (docs/operations.md)."""
