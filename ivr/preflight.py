"""Checks `hotline ivr` runs once connected: what on the PBX would fail calls later.

Each check returns a sentence for the operator (None when all is well); nothing here stops
the controller, which still serves every call it can.
"""

from __future__ import annotations

from ivr.ari import AriClient, AriFailure

RECORDINGS_DIR = "/var/spool/asterisk/recording"


async def recordings_problem(ari: AriClient) -> str | None:
    """Whether Asterisk can keep recordings: `GET /recordings/stored` fails without its
    recording directory, and every voicemail `record` would then answer 500."""
    try:
        await ari.list_stored_recordings()
    except AriFailure as exc:
        return (
            f"Asterisk cannot list its stored recordings ({exc}): its recording directory "
            f"(normally {RECORDINGS_DIR}, astspooldir in asterisk.conf) is missing or not "
            "readable by Asterisk, so callers cannot leave voicemail (they are offered an "
            "operator instead). Create it, owned by the asterisk user."
        )
    return None


async def pbx_problems(ari: AriClient) -> list[str]:
    """Every problem found, in the order the checks run."""
    found = [await recordings_problem(ari)]
    return [problem for problem in found if problem is not None]
