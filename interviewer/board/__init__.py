"""The whiteboard as evidence: an Excalidraw scene read as a component graph (scene.py), said as
a few sentences the judge reads like spoken ones (sentences.py), and the boards a session saved
at each turn's end (snapshots.py)."""
