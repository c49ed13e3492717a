"""National adapters of the LGSP node (issue 5, item 6): the national public-service portal
(DVCQG: dossier and progress pushes through a durable queue) and the national population
database (a citizen looked up by CCCD). Each speaks HTTP/JSON behind a small interface and has
a simulator in `simulator/` for the demo and the tests (ADR 0014)."""
