"""Prediction: one text to one :class:`~genre_detect.pipeline.prediction.Prediction`, one module per step.

``inputs`` (reading files and HTML) -> ``normalise`` -> ``windows`` (tokenise, split) -> ``runtime`` (the ONNX model;
CPU facts in ``machine``) -> ``pool`` -> ``verdict`` -> ``prediction``, tied together by ``detector.Detector``;
``language`` flags the language, ``calibrate`` fits the temperature and biases that ``pool.calibrate`` applies,
``sentences`` splits text into sentence spans (for explanations and training), and ``estimator`` wraps the Detector
for scikit-learn. Nothing is imported here, so that importing one step loads only what it needs.
"""
