"""Evaluation: scores, metrics, baselines, the benchmark and its leaderboard, and the reports they write.

``evaluate`` scores any model on a labelled set; ``metrics`` and ``bootstrap`` compute; ``baselines`` are the
models to beat; ``benchmark`` and ``leaderboard`` run every model over the shared data sets; ``report`` and
``cue_report`` write analyses; ``fingerprint`` measures overlap with the training data; ``fold_cache`` gives a
recipe's folds and caches window logits; ``results_file`` streams predictions to disk. Nothing is imported here.
"""
