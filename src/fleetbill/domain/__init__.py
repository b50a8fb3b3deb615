"""The pure billing core: no I/O, no framework, no ORM."""
