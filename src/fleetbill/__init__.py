"""fleetbill: billing for IoT clouds, by the peak number of devices Active at once."""

__all__ = ["__version__"]
__version__ = "0.1.0"
