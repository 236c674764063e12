"""Progress you can see: Mijn herstelplan, the self-scan "Hoe staat het ervoor?", op- en afschalen, closing a
traject, and the reports.

Client: /herstelplan (menu:herstelplan): a short message with a button into each part, and one A4 PDF;
/scan (menu:scan, or the invitation's button): one leefdomein per message; after a closed traject, four short
questions about the support. Worker: /rapport (menu:report): their caseload numbers, suggestions to scale up or
down with decide buttons (and a typed reason), and per client: score the scan, compare, chart, the plan (as far
as shared), close the traject (outcomes a-g, one per message). Admin: /rapport [2026-11]: the monthly PDF + CSV.

Almost everything is carried by the buttons (`prg:...`), so a restart loses nothing: every answer is saved at
once by the services, which also check every id in a button (a forged one raises NotAllowed). The one typed
answer, the reason for a scale decision, is the small persistent conversation "progress".

herstelplan.py, scan.py, worker.py (reports, suggestions), closing.py; keyboards.py; flow.py registers them.
"""
from conversations.progress.flow import conversation, handlers

__all__ = ["conversation", "handlers"]
