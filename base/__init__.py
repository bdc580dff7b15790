"""The base layer: what every feature package stands on.

Clocks, typed settings, the SQLAlchemy base and sessions, the error base class, working
days, the local journal and the aiohttp helpers. It imports no feature package and no
part of the composition root (`hotline/`), so every arrow into it points down.
"""
