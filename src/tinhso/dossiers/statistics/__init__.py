"""Statistics of the electronic one-stop-shop: the classic one-stop report and the Decision
766/QĐ-TTg indicators, computed from the dossier records on demand.

`base` holds what a figure and a share are and the building blocks of their conditions;
`definitions` says once what each figure counts (a Q over dossiers or procedure offerings);
`report` aggregates those conditions by organ, field or competent level; `excel` writes the
report as a workbook. The same condition serves the count and the list of what was counted.
"""
