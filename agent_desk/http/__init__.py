"""The desk's HTTP side: JSON API, OpenAPI document, SSE events and pages."""
