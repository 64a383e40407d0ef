"""The domain: money, orders and the refund calculation. Standard library only."""
