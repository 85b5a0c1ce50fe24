"""Hazards (隐患): the register of risks found in the grid and their rechecks.

``services`` writes (record, recheck, close, escalated, closed with its case), ``reminders`` the
sweep's part (a reminder per hazard and due date, the digest's "hazard rechecks" section),
``forms`` and ``views`` the pages. The models are in ``visits.hazard_models``.
"""
