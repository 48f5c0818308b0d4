"""The embedded eligibility gateway: a real HTTP server on 127.0.0.1 serving fixtures.

It speaks the same API as a production gateway (docs/gateway-api.md) so the
desk, the demo, the tests and support all exercise the real client code path.
"""
