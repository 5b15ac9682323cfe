"""Template tags of joint calls."""
