"""The operator screens (restock, count, orders, cards, reports, health) and their gate."""
