"""The LGSP service gateway (issue 5, item 5; ADR 0016): the catalogue of the services this node
offers and consumes (`catalogue.py`), per-client rate limits shared by every worker
(`ratelimit.py`), the request log (`requestlog.py`), Prometheus metrics (`metrics.py`), the
middleware that measures and logs every request (`middleware.py`), the back-office page and
`/metrics` (`views.py`) and `GET /api/v1/gateway/services` (`api.py`).

Core imports no app above it: the shell (`tinhso.config.gateway`) tells the catalogue which
services the API offers and which outside services the apps consume, and registers the gauges
of the exchange and payments apps.
"""
