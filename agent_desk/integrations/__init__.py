"""Machine access for departments' own systems: API clients with bearer tokens, webhooks
of order events (outbox, signed, retried), and the delivery log. See docs/department-api.md."""

from agent_desk.integrations.clients import ApiClients
from agent_desk.integrations.dispatcher import RetryPolicy, WebhookDispatcher, delivery_context
from agent_desk.integrations.webhooks import Webhooks

__all__ = ["ApiClients", "RetryPolicy", "WebhookDispatcher", "Webhooks", "delivery_context"]
