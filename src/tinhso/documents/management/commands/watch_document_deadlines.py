"""`tinhso watch_document_deadlines`: remind assignees of incoming documents due soon or
overdue, now. `tinhso periodic` runs it every 15 minutes (job `documents.watch_deadlines`);
from cron instead:

    */15 * * * * cd /srv/tinhso && .venv/bin/tinhso watch_document_deadlines --quiet

`--enqueue` hands the run to the task worker instead of running it in this process.
"""

from datetime import datetime
from typing import Any

from tinhso.core.watchcommand import WatchCommand
from tinhso.documents.deadlines import watch_deadlines
from tinhso.documents.tasks import watch_document_deadlines_task


class Command(WatchCommand):
    help = (
        "Remind officials of incoming documents whose handling deadline is due soon or past. "
        "Idempotent; meant for cron every 15 minutes."
    )
    label = "document deadline watch"

    def watch(self, moment: datetime | None) -> Any:
        return watch_deadlines(moment)

    def task(self) -> Any:
        return watch_document_deadlines_task
