"""Dialplan rendering: extensions.conf, pjsip.conf, ari.conf and http.conf for a real Asterisk.

Built from the directory, the seats and the sites, so a city can point its Asterisk at
the hotline with the same data the hotline uses.
"""
