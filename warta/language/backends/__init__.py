"""Model backends: ``linear`` (default, CPU, committed artifacts) and ``transformer`` (ONNX)."""
