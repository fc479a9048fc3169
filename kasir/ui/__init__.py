"""The Qt layer: wires the core to the screen and nothing more."""
