"""Conflict events: who captured, holds, besieges or advances on which place.

``actors`` (the factions configuration), ``dates`` (when an event happened), ``extract`` (events from a
parsed article), ``locate`` (the places a sentence ties to one event word).
"""
