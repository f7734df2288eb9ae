"""RL4ReAl's remote model runners, beside the in-process policy (the default and the fastest):
`rl4real serve` runs any policy rl4real can load in a server process; inside the compiler, the
`pipe` and `grpc` policies send each function's graph to it and apply the decisions it returns.

- allocator.proto: the messages and the service, declared once (docs/runners.md);
- wire: the messages in Python, and the conversions between them and sessions;
- server: `rl4real serve` (gRPC or named pipes, many compiles at once);
- client: the two runner policies (one round trip per function).
"""
