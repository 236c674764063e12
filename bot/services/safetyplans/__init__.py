"""The safety plans, the hoopbox and the noodbericht: facts for the flows, one unit of work each.

The two plans are tools like the signaleringsplan (drafts and versions in bot/services/tools.py; the form
engine fills them in). What is here: answers offered from the client's other plans, what a client in crisis
can do now and call, the hoopbox, and the noodbericht with its trusted people.

Nothing here builds a keyboard or imports Telegram. A noodbericht to someone in Houvast is queued as a reference
(`outbox.refer`, kind "sos"): its text is written when it is sent (conversations/notices/safety.py), after
checking again that the person may still get it (still in the household, the client still agrees, nobody in the
household has a thuisplan: `sos_facts`).
"""
from bot.domain.safetyplans import HomePlan as HomePlan
from bot.domain.safetyplans import SafetyPlan as SafetyPlan
from bot.services.safetyplans.hope import (  # noqa: F401 - the package's face: callers use safetyplans.x
    HopeAdded,
    HopeBox,
    HopeView,
    add_hope,
    hope_box,
    remove_hope,
)
from bot.services.safetyplans.plans import (  # noqa: F401 - the package's face: callers use safetyplans.x
    Offer,
    PlanState,
    WhatNow,
    WhoToCall,
    offers,
    own_plan,
    plan_of,
    plan_state,
    what_now,
    who_to_call,
)
from bot.services.safetyplans.sos import (  # noqa: F401 - the package's face: callers use safetyplans.x
    Candidate,
    Refused,
    SosFacts,
    SosLine,
    SosSetup,
    SosStatus,
    TrustedView,
    add_trusted,
    add_trusted_member,
    remove_trusted,
    send_sos,
    set_sos_text,
    sos_facts,
    sos_setup,
    sos_status,
)
