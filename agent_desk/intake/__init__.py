"""Intake by web form, e-mail and SMS into the same work orders, with their channel."""

from agent_desk.intake.filing import CitizenIntake, CitizenReport, Filed
from agent_desk.intake.guards import ProofOfWork, solve
from agent_desk.intake.mail import mail_receiver, report_from_mail, serve_mail
from agent_desk.intake.public import PublicIntake
from agent_desk.intake.rate_limit import RateLimit
from agent_desk.intake.sms import InboundSms, parse_push

__all__ = [
    "CitizenIntake",
    "CitizenReport",
    "Filed",
    "InboundSms",
    "ProofOfWork",
    "PublicIntake",
    "RateLimit",
    "mail_receiver",
    "parse_push",
    "report_from_mail",
    "serve_mail",
    "solve",
]
