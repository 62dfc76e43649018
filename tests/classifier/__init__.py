"""Tests of classifier."""
