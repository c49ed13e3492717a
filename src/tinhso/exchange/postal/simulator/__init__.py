"""PostalSimulator: a fake VNPost-like postal service speaking `postal/protocol.py` over HTTP,
for the demo and the tests. Enabled by POSTAL_SIMULATOR; never a real carrier."""
