"""The study companion: code exercises, interview cards, this week's plan, references.

Everything here reaches the papers through `LibraryView` (the facade, seen as a Protocol), so the
stage never imports the facade itself.
"""
