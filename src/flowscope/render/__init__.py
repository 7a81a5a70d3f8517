"""Renderings for people: terminal tables now, the HTML map later."""
