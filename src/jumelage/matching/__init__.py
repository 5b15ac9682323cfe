"""Matchmaking and reviewer assignment.

`jumelage.matching.engine` holds the computation (expertise profiles, affinities, conflicts of
interest, the assignment solver) with no Django import; the rest of this app is the thin Django
layer that reads the platform's data and calls it.
"""
