"""extensions.conf for one site: hotline numbers into Stasis, and the site's dial targets.

Contexts (all named `hotline-<site>-<role>`):
- `public`: point the carrier trunk here. Each hotline number is answered and handed to
  the ARI app with the dialled number as its argument, as the controller expects
  (ARI-NOTES: Answer() then Stasis(app,${EXTEN}) arrives Up with args = [number]).
- `no-controller`: where a call goes when Stasis() fails at once (STASISSTATUS=FAILED:
  no controller holds the app yet, or any more). The caller hears a short "please hold"
  and Stasis() is tried again, HOTLINE_STASIS_RETRIES times; then the site's operator
  seats are rung directly, all at once — never a silent hang-up.
- `local-seats`, `liaison-lines`, `remote-seats`: one extension per phone, named like
  its endpoint; remote seats are dialled across the trunk to their site.
- `targets`: all three; the controller can originate `Local/<name>@hotline-<site>-targets`
  to reach any seat or liaison, including a neighbour's seat during overflow.
- `seats` and `liaisons`: the contexts the phones themselves dial from.
- `from-trunks`: what a neighbouring site may reach here: this site's seats only.
"""

from __future__ import annotations

from dialplan.conf import ConfWriter, safe_name
from dialplan.plan import SitePlan

_TIMEOUT = "${HOTLINE_DIAL_TIMEOUT}"
# Stasis() attempts while no controller is connected, and what the caller hears between
# them (an Asterisk core sound, about 2.4 s; a deployment may name a sound of its own).
STASIS_RETRIES = 4
HOLD_SOUND = "pls-hold-while-try"


def _dial(writer: ConfWriter, extension: str, dialstring: str) -> None:
    writer.line(f"exten => {safe_name(extension)},1,Dial({dialstring},{_TIMEOUT})")
    writer.line(" same => n,Hangup()")


def _no_controller(writer: ConfWriter, plan: SitePlan, context: str) -> None:
    app = safe_name(plan.options.ari_app)
    writer.section(
        context,
        comment="Stasis() failed (no controller connected): hold, retry, then the operators.",
    )
    writer.line("exten => _X.,1,NoOp(no controller for ${EXTEN}, try ${HOTLINE_TRIES})")
    writer.line(" same => n,GotoIf($[${HOTLINE_TRIES} >= ${HOTLINE_STASIS_RETRIES}]?operators)")
    writer.line(" same => n,Set(HOTLINE_TRIES=$[${HOTLINE_TRIES} + 1])")
    writer.line(" same => n,Playback(${HOTLINE_HOLD_SOUND})")
    writer.line(f" same => n,Stasis({app},${{EXTEN}})")
    writer.line(' same => n,GotoIf($["${STASISSTATUS}" = "FAILED"]?1)')
    writer.line(" same => n,Hangup()")
    operators = "&".join(f"PJSIP/{line.resource}" for line in plan.seats)
    if operators:
        writer.line(f" same => n(operators),Dial({operators},{_TIMEOUT})")
    else:
        writer.line(" same => n(operators),Playback(vm-goodbye)")
    writer.line(" same => n,Hangup()")


def render_extensions(plan: SitePlan) -> str:
    """The text of extensions.conf for `plan`'s site."""
    site = plan.site
    app = safe_name(plan.options.ari_app)
    fallback = plan.context("no-controller")
    writer = ConfWriter(f"extensions.conf for site {site.id} ({site.name})")
    writer.section("general")
    writer.option("static", "yes")
    writer.option("writeprotect", "yes")
    writer.option("clearglobalvars", "no")
    writer.section("globals")
    writer.option("HOTLINE_DIAL_TIMEOUT", plan.options.dial_timeout_s)
    writer.option("HOTLINE_STASIS_RETRIES", STASIS_RETRIES)
    writer.option("HOTLINE_HOLD_SOUND", HOLD_SOUND)

    writer.section(
        plan.context("public"),
        comment="Calls from the public network: set the carrier trunk's context to this one.",
    )
    for number in sorted({*site.hotline_numbers, *plan.options.service_numbers}):
        writer.line(f"exten => {safe_name(number)},1,NoOp(hotline {number} at {site.id})")
        writer.line(" same => n,Answer()")
        writer.line(" same => n,Set(HOTLINE_TRIES=1)")
        writer.line(f" same => n,Stasis({app},${{EXTEN}})")
        writer.line(f' same => n,GotoIf($["${{STASISSTATUS}}" = "FAILED"]?{fallback},${{EXTEN}},1)')
        writer.line(" same => n,Hangup()")
    _no_controller(writer, plan, fallback)

    writer.section(plan.context("local-seats"), comment="This site's operator seats.")
    for line in plan.seats:
        _dial(writer, line.resource, f"PJSIP/{line.resource}")

    writer.section(plan.context("liaison-lines"), comment="Department liaisons and backups.")
    for line in plan.liaisons:
        _dial(writer, line.resource, f"PJSIP/{line.resource}")

    writer.section(
        plan.context("remote-seats"),
        comment="Seats of the sites this one overflows to, across the trunk to their site.",
    )
    for seat in plan.remote_seats:
        _dial(writer, seat.resource, f"PJSIP/{seat.resource}@{seat.trunk.resource}")

    writer.section(
        plan.context("targets"),
        comment="Everything the controller may dial: Local/<endpoint>@" + plan.context("targets"),
    )
    for role in ("local-seats", "liaison-lines", "remote-seats"):
        writer.line(f"include => {plan.context(role)}")

    writer.section(plan.context("seats"), comment="Context of the operator seat phones.")
    writer.line(f"include => {plan.context('targets')}")
    writer.line(f"include => {plan.context('public')}")

    writer.section(
        plan.context("liaisons"),
        comment="Context of the liaison phones: they call the hotline (voicemail menu).",
    )
    writer.line(f"include => {plan.context('public')}")

    writer.section(
        plan.context("from-trunks"),
        comment="Calls from neighbouring sites' Asterisks: overflow to this site's seats.",
    )
    writer.line(f"include => {plan.context('local-seats')}")
    return writer.text()
