"""Search across sessions, readings, glossary terms, reflections, notes and highlights."""
