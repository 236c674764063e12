"""Who is who in Houvast."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLIENT = "client"
    WORKER = "worker"
    PEER = "peer"
    ADMIN = "admin"


class CareRole(StrEnum):
    """A worker's place around one household."""

    COORDINATING = "coordinating"
    BACKUP = "backup"
    INVOLVED = "involved"
    PROCESREGISSEUR = "procesregisseur"


# Roles an invite printed by `houvast invite` may carry; client invites come from a worker in the chat.
CLI_INVITE_ROLES = (Role.WORKER, Role.PEER, Role.ADMIN)
