"""Render the reply a thoughtful career coach would write, from a label and its slots."""
