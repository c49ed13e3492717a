"""The public postal service (bưu chính công ích) adapter: return of results and intake by post.

`base.py` is the interface and the pure checks (recipient, phone, tracking numbers, webhook
signatures), `client.py` the HTTP/JSON client of a VNPost-like API, `simulator/` a simulator of
that API served under /simulators/buu-chinh/ when POSTAL_SIMULATOR is on. Dossiers call this
package; it never imports dossiers.
"""
