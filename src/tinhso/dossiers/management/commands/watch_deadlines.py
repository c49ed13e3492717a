"""`tinhso watch_deadlines`: alert due-soon and overdue dossiers now. `tinhso periodic` (which
`make run` starts) runs it every 15 minutes; or from cron (as the application user):

    */15 * * * * cd /srv/tinhso && .venv/bin/tinhso watch_deadlines --quiet

or a systemd timer with OnCalendar=*:0/15 starting a oneshot service with that command.
`--enqueue` hands the run to the task worker instead of running it in this process.
"""

from datetime import datetime
from typing import Any

from tinhso.core.watchcommand import WatchCommand
from tinhso.dossiers.deadlines import watch_deadlines
from tinhso.dossiers.tasks import watch_deadlines_task


class Command(WatchCommand):
    help = (
        "Alert officials about dossiers due soon or overdue, and send the apology letter for "
        "dossiers past their due date. Idempotent; meant for cron every 15 minutes."
    )
    label = "deadline watch"

    def watch(self, moment: datetime | None) -> Any:
        return watch_deadlines(moment)

    def task(self) -> Any:
        return watch_deadlines_task
