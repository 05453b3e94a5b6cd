"""Families in need (issue 13, 二次公益): registered under a community by a social worker,
given points from the donation pool, spending them at any kiosk like a volunteer."""
