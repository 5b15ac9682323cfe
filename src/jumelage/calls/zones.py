"""The two cities whose clocks a call's dates are shown in (Montréal keeps Eastern time)."""

PARIS = "Europe/Paris"
MONTREAL = "America/Toronto"
