"""The simulated economy and its year: firms as arrays, mechanisms, and the model that runs them."""

from sim.model.model import ClusterModel

__all__ = ["ClusterModel"]
