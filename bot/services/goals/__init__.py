"""Goals on the herstelplan: the client's own words, small steps, check-ins at their rhythm, stall detection.

The tick calls `queue_goal_prompts` and `sweep_stalls`; both select what is due with indexed queries, in
batches, and are safe to run twice (rows taken with SKIP LOCKED, outbox de-duplication keys, one stall
episode per goal).

Each goal carries when its stall rules next need a look (`next_look_at`; the pure rule is
`bot.domain.goals.next_look`): a prompt that goes out sets it to when that prompt would count as missed, an
answer or a change sets it to now, and each look to the next moment a rule could start to apply (28 days
without progress, the day after the target date, an open prompt's 48 hours). So the tick looks at what is
due, not at every goal: its cost follows what happens, not how many goals there are.
"""
from bot.services.goals.core import GoalView, acting_client, own_goal  # noqa: F401 - read by other services and flows
from bot.services.goals.crud import (  # noqa: F401 - the package's face: callers use goals.x
    Answered,
    add_note,
    answer_checkin,
    change_goal,
    create_goal,
    decide_proposal,
    goal,
    goal_history,
    my_goals,
    open_checkin,
    propose_goal,
    set_status,
)
from bot.services.goals.tick import (  # noqa: F401 - the package's face: callers use goals.x
    GoalNotice,
    Stall,
    goal_notice,
    queue_goal_prompts,
    sweep_stalls,
)
