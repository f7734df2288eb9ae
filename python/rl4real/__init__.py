"""rl4real: reinforcement-learning register allocation for stock clang-22.

Importing the package is cheap: numpy, torch and onnxruntime are imported only by the parts
that need them.
"""

__version__ = "0.1.0"
