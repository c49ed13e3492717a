"""Statistics of official documents: documents out and in per organ, administrative level and
period, the share moved electronically (domain §7), and the handling of incoming documents on
time and late, computed from the records on demand.

`definitions` says once what each figure counts (a Q over outgoing or incoming documents);
`report` aggregates those conditions by organ, by organ with its subtree, or by level; `excel`
writes the report as a workbook. The same condition serves the count and the list of what was
counted.
"""
