"""Vouchers at the district (issue 13): registered from the kiosks' pushed sales, redeemed
once by their partner on the console's partner pages, settled per month."""
