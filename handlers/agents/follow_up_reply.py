"""follow_up_reply: a reply the app received (a `follow_up_replies` INSERT) is read once.

The model (Think: a reply is often polite either way, and a wrong "rejection" would stop the
user's follow-ups) classifies it as `interview`, `positive` (they want to talk or need more),
`rejection`, `auto_reply` (out of office, ticket received) or `other`. Then, in one statement: the
reply keeps its class, the application's status moves forward (interview, callback or rejected;
never backward), any reply but an automatic one stops the follow-ups, and a `followup_replied`
learning signal records it. Offline, a keyword reader classifies deterministically.
"""

from __future__ import annotations

import functools
import re
from typing import Literal
from uuid import UUID

import pydantic
from pydantic import BaseModel

from handlers import queries
from handlers.skills import llm
from listeners import Context, PermanentError, Skip, WatchPayload, agent

AGENT = "follow_up_reply"
Classification = Literal["interview", "positive", "rejection", "auto_reply", "other"]


class ReplyClass(BaseModel):
    classification: Classification
    reason: str = pydantic.Field(max_length=200)


# Checked in this order: an out-of-office that mentions an interview is still automatic.
KEYWORDS: list[tuple[Classification, re.Pattern[str]]] = [
    ("auto_reply", re.compile(r"out of (the )?office|automatic reply|auto-?reply|on leave until|ticket (number|#)", re.I)),
    (
        "rejection",
        re.compile(
            r"not (to )?(move|moving|proceed|proceeding) forward|other candidates|unfortunately|regret to|"
            r"position (has been|was) filled|not a fit|will not be",
            re.I,
        ),
    ),
    ("interview", re.compile(r"interview|schedule (a|some) time|calendar invite|availability for a call", re.I)),
    ("positive", re.compile(r"interested|would like to (talk|chat|know)|could you (send|share)|next steps|get back to you", re.I)),
]


def offline_class(body: str) -> ReplyClass:
    for label, pattern in KEYWORDS:
        found = pattern.search(body)
        if found:
            return ReplyClass(classification=label, reason=f"says \u201c{found.group(0)}\u201d")
    return ReplyClass(classification="other", reason="no phrase that decides it")


def instructions(reply: dict[str, object]) -> str:
    return (
        "A recruiter replied about a job application. Classify the reply: interview (they invite to an interview "
        "or to schedule one), positive (interested, want to talk or need more information), rejection (they will "
        "not proceed), auto_reply (an automatic message: out of office, ticket received), or other. Give a short "
        f"reason.\n\nROLE: {reply['title']} at {reply['company']}\nREPLY:\n{str(reply['body'])[:6000]}"
    )


def reply_id(payload: dict[str, object]) -> UUID:
    try:
        return UUID(str(WatchPayload.model_validate(payload).row["id"]))
    except (pydantic.ValidationError, KeyError, ValueError):
        raise PermanentError(f"follow_up_reply needs a follow_up_replies row id in payload.row.id, got {payload!r}"[:300]) from None


@agent(AGENT, concurrency=2, timeout=120, max_attempts=3, setup=llm.prepare)
async def follow_up_reply(ctx: Context) -> int:
    row = await queries.follow_up_reply(ctx.db, reply_id=reply_id(ctx.payload))
    if row is None:
        raise Skip("the reply was deleted before it was read")
    if row["classification"] is not None:
        raise Skip(f"the reply was already read as {row['classification']}")
    reply = dict(row)
    completion = await llm.complete(
        llm.load_llm_settings(),
        AGENT,
        role="Recruiter reply reader",
        instructions=instructions(reply),
        output=ReplyClass,
        thinking=True,
        offline=functools.partial(offline_class, str(reply["body"])),
    )
    verdict = completion.value
    status = await queries.save_reply_classification(ctx.db, reply_id=reply["id"], classification=verdict.classification)
    ctx.metadata.update(
        classification=verdict.classification,
        reason=verdict.reason,
        application_status=status,
        model=completion.metadata["model"],
        offline=completion.metadata["offline"],
    )
    return 1
