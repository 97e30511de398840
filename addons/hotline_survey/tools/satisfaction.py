# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Satisfaction levels shared by the post-call rating, the case callback step
and the callback/keypad surveys: every scale is mapped to these three
explicitly (the 满意度报表 adds them up). Plain Python, no ORM."""

LEVELS = [
    ("satisfied", "Satisfied"),
    ("neutral", "Neutral"),
    ("dissatisfied", "Dissatisfied"),
]
SOURCES = [
    ("ivr_rating", "Post-call rating"),
    ("callback", "Agent callback"),
    ("keypad", "Keypad survey"),
    ("link", "Survey link"),
]
