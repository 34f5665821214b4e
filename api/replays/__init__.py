"""Transcript replay and evaluation for evaluators (README "Evaluation"): transcripts, annotations, replay jobs."""
