"""The client's goals: the list per leefdomein, a goal's own page (pages.py), a new goal one question at a
time (new_goal.py), the answer to a check-in prompt with a note and a next step, and the gentle choices when
a goal stalls (checkin_answer.py), the chart; the keyboards beside them (keyboards.py). flow.py registers it.

Navigation buttons (list, a goal's page, pause, ...) work from anywhere: as plain handlers, and as fallbacks of
the conversation, so pressing one in the middle of a question also ends that question.
"""
from conversations.goals.flow import conversation, handlers

__all__ = ["conversation", "handlers"]
