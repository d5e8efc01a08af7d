"""Goals, audiences, content pillars, campaigns, a unit's important dates, and the national holidays shown in the calendar."""
