"""Training the four models with multi-agent PPO.

- trajectory: what a sampling policy records per decision, and one function's episode;
- sampler: the policy the plugin runs during rollouts (samples actions, writes episodes);
- rollout: one rollout = one source file compiled by clang-22 with the sampler, checked, scored;
- offline: the same decisions over dumped graphs without the compiler (and a Gymnasium env);
- ppo: the learner (re-evaluates recorded decisions under the current weights);
- config, loop: the typed hyper-parameters and `rl4real train` (iterations, checkpoints, metrics).
"""
