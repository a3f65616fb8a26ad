"""From a composed Hydra config to typed settings: schemas, defaults and where configs live."""
