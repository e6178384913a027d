"""Pure drawing: functions and small layout holders that paint what they are given, and change nothing."""
