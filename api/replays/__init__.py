"""Transcript replay and evaluation for evaluators (CONTRACT §9): transcripts, annotations, replay jobs."""
