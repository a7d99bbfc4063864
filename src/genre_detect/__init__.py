"""genre-detect: tell satire and parody apart from sincere analysis and reporting, and say why.

Example:
    >>> from genre_detect import Detector
    >>> det = Detector.load()                                  # doctest: +SKIP
    >>> det.predict("Nation's experts agree ...").to_dict()     # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["Detector", "Prediction", "__version__"]

if TYPE_CHECKING:
    from .pipeline.detector import Detector
    from .pipeline.prediction import Prediction


def __getattr__(name: str):
    # Lazy: `import genre_detect` (and `genre-detect --help`) must not load onnxruntime or numpy.
    if name == "Detector":
        from .pipeline.detector import Detector

        return Detector
    if name == "Prediction":
        from .pipeline.prediction import Prediction

        return Prediction
    raise AttributeError(f"module 'genre_detect' has no attribute {name!r}")
