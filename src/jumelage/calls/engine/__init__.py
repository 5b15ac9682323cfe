"""Computations of joint calls without Django: ranking by weighted score and the optimal
selection of projects within every envelope at once."""
