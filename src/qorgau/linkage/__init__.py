"""Record linkage: recognise the same child across agencies and scripts.

Plain Python, no Django: the canonicaliser, name structure and birth-date evidence are pure
functions that the web app, the benchmark and each organisation's local encoder share.
"""
