# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Satisfaction levels shared by the post-call rating, the case callback step
and the callback/keypad surveys: every scale is mapped to these three
explicitly (the 满意度报表 adds them up). Plain Python, no ORM.

The mapping, in one table (``SCALE_LEVELS``), documented in readme/USAGE.md:

* post-call IVR rating (``hotline.call.rating``, keys 1/2/3/0): satisfied,
  neutral, dissatisfied as they are; ``complaint`` (key 0) counts as
  dissatisfied *and* as a complaint;
* the case workflow's callback step (``helpdesk.ticket.satisfaction``, 5
  levels): 5 and 4 satisfied, 3 neutral, 2 and 1 dissatisfied; its 3-level
  ``satisfaction3``: satisfied, basic (基本满意) neutral, dissatisfied;
* survey answers: the level set on each answer of the satisfaction question
  (``survey.question.answer.hotline_satisfaction``), or for a scale question
  the survey's thresholds (``scale_level``).
"""

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
# the satisfaction report adds the case workflow's own callback step (回访 by
# the agent, recorded on the case as 5 levels)
REPORT_SOURCES = [*SOURCES, ("case_callback", "Case callback step")]

SCALE_LEVELS = {
    # hotline_callcenter: hotline.call.rating
    "call_rating": {
        "satisfied": "satisfied",
        "neutral": "neutral",
        "dissatisfied": "dissatisfied",
        "complaint": "dissatisfied",
    },
    # hotline_complaints: helpdesk.ticket.satisfaction (5 levels)
    "case_satisfaction": {
        "5": "satisfied",
        "4": "satisfied",
        "3": "neutral",
        "2": "dissatisfied",
        "1": "dissatisfied",
    },
    # hotline_complaints: helpdesk.ticket.satisfaction3
    "case_satisfaction3": {
        "satisfied": "satisfied",
        "basic": "neutral",
        "dissatisfied": "dissatisfied",
    },
}
# values of a scale that also count as a complaint
COMPLAINT_VALUES = {"call_rating": frozenset({"complaint"})}


def level_of(scale, value):
    """The level (satisfied/neutral/dissatisfied) of ``value`` on ``scale``
    (a key of ``SCALE_LEVELS``); False for no value. An unknown scale or value
    raises KeyError: a new scale is mapped here, never guessed."""
    if not value:
        return False
    return SCALE_LEVELS[scale][value]


def is_complaint(scale, value):
    """Whether ``value`` on ``scale`` is a complaint as well as a level."""
    return value in COMPLAINT_VALUES.get(scale, ())


def scale_level(value, satisfied_min, dissatisfied_max):
    """The level of a numeric scale answer: ``satisfied_min`` and above
    satisfied, ``dissatisfied_max`` and below dissatisfied, neutral between."""
    if dissatisfied_max >= satisfied_min:
        raise ValueError("dissatisfied_max must be below satisfied_min")
    if value >= satisfied_min:
        return "satisfied"
    if value <= dissatisfied_max:
        return "dissatisfied"
    return "neutral"
