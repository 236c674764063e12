"""Reports: the admin's anonymous monthly figures (network level) and a worker's own caseload numbers.

**Monthly report** (`monthly_report`): anonymous aggregates, never a name, a pseudonym or an id. Every count
smaller than 5 shows as "< 5" and no mean or median of fewer than 5 values is shown (bot/domain/smallcells.py).
The month runs from the 1st 00:00 to the next 1st 00:00 in the configured zone (Europe/Amsterdam).

Definitions (also printed in the report where they are not obvious):
- households: with at least one client, also those in self-management without a worker; "total" were open at
  some time in the month (created before its end, not closed before its start); "new" were created in it;
  "closed" had their traject closed in it. Clients alike.
- goals per leefdomein: goals the client accepted (not a mere proposal or a declined one) that existed in the
  month and were not reached or stopped before it; "reached": a goal marked reached in the month.
- stall episodes: one nudge per episode, counted in the month it started. Time until acknowledged: from the
  nudge to the first worker's "I'll get in touch"/"seen", for the month's nudges, median in hours.
  Escalations: nudge deliveries on the backup or procesregisseur rung made in the month.
- check-in response: goal check-ins prompted in the month and answered at all (a check-in the client starts
  from the menu counts as asked and answered); phase prompts (outbox "checkin" messages) of the month answered
  by a colour within 24 hours.
- self-scan change: per client, the latest complete own scan before the month's end minus the first one
  (the 0-meting), per leefdomein; the mean over the clients with at least two scans of that domain.
- outcomes a-g: TrajectClosing rows of the month ("n.v.t." left out); working relationship: the client answers
  of the month (RelationScore).
- network: the current state of the team (there is no history of it), for households whose traject was open at
  the end of the month. "Without a coordinating worker for more than 7 days": a household that had a team
  (care-team rows or a recorded vacancy) with no coordinating worker, since the vacancy (or since the household
  was made) more than 7 days before the month's end. "No contact for more than 14 days": an active client last
  seen more than 14 days before the month's end. There is no organisation field: instead of organisations per
  household the report counts the workers involved per household.

**Caseload report** (`caseload_report`, in services/caseload.py): the worker's own households and clients,
with goal and scan figures only of clients who share their goals with the worker (each look audited). These are
not suppressed: they are the worker's own clients, counted only from what each one shares.
"""
from bot.services.caseload import CaseloadClient as CaseloadClient  # the worker's own figures, read as
from bot.services.caseload import CaseloadReport as CaseloadReport  # report.caseload_report by the flow
from bot.services.caseload import caseload_report as caseload_report
from bot.services.report.model import (  # noqa: F401 - the package's face: callers use report.x
    MONTH,
    PHASE_ANSWER_WINDOW,
    SILENCE_DAYS,
    VACANCY_DAYS,
    Line,
    Report,
    Section,
    month_bounds,
    previous_month,
)
from bot.services.report.monthly import monthly_report as monthly_report
