"""Deal probability after every negotiation turn: dialogue features and a calibrated, shipped model."""

from agent.deal_probability.features import FEATURE_NAMES, Turn, dialogue_features
from agent.deal_probability.model import DealProbabilityModel

__all__ = ["FEATURE_NAMES", "DealProbabilityModel", "Turn", "dialogue_features"]
