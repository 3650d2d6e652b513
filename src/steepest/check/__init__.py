"""Check a learner's own answers to the exercises (see :mod:`steepest.exercises`)."""
