"""Routing: where a call goes when it needs a person.

Operator seats and their presence, the operator queue (ACD), overflow to seats in a
neighbouring city, and the missed-call callback list. Live state sits behind one store
interface: in-process by default, Redis when several controllers share seats and queues.
"""
