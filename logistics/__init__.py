"""Troop-deployment airlift planner."""
