"""Qt-free services: one module per area. Each call takes the ``Tx`` it runs in."""
