"""The method's mathematics: pure Python and numpy/scipy, no Django, no clock.

Every function receives the data (a `Snapshot` of arrays) and `now`, and returns arrays or
dataclasses with reasons as codes and numbers; the layers above turn reasons into sentences.
"""
