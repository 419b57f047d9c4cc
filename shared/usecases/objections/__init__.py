"""Objections (Art 39): API routes (`cases`) and the objection state machine's steps (`steps`)."""
