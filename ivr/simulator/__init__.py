"""A stand-in for Asterisk 22's ARI, driven over loopback HTTP and WebSocket.

Tests and the demo run the real ARI controller against it; it answers with Asterisk's
paths, JSON shapes and key order, status codes and event sequences (as recorded in
/work/shared/ari-traces), on a scalable simulated clock.
"""

from ivr.simulator.app import SIMULATOR, RunningSimulator, build_simulator, start_simulator
from ivr.simulator.behaviours import Behaviour
from ivr.simulator.simulator import Simulator
from ivr.simulator.state import SimCall

__all__ = [
    "SIMULATOR",
    "Behaviour",
    "RunningSimulator",
    "SimCall",
    "Simulator",
    "build_simulator",
    "start_simulator",
]
