"""The guideline (pedoman): rules inherited down the unit tree, checked against every draft."""
