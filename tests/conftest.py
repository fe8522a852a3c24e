"""Shared fixtures."""

from sample_data import cfpb_sample, policy, sample_result  # noqa: F401  (fixtures for all tests)
