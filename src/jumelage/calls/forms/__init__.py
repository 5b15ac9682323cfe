"""Forms of joint calls, one module per part of a call's life."""
