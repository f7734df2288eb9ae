"""The four RL4ReAl models (select_node, select_task, color_node, split_node) over a shared graph
encoder, their inputs (declared once in model_io.py), backends (torch, onnxruntime) and export."""
