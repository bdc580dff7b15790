"""The agent desk: the web application where operators, liaisons and supervisors work.

Work orders (工单) and their life cycle, the operator console, the liaison inbox,
statistics for supervisors, users and roles, live updates.
"""
