"""Addons, through Unleash's addons API: webhooks that hear of events, signed, delivered from
the outbox (``events.outbox``) once per cluster, retried with backoff, every attempt logged."""
