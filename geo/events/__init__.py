"""Conflict events: who captured, holds, besieges or advances on which place (being built; see issue 4).

So far: the factions configuration (``actors``) and the dates events are placed at (``dates``).
"""
