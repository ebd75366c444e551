#!/usr/bin/env python3
"""The RLHF demo's GPT-2-architecture model in PyTorch, for comparison with `ascent bench gpt`.

Vocabulary 400, context 64, width 64, 2 layers, 4 heads, GELU (tanh), tied embeddings;
torch limited to 2 threads. Measures training tokens/s (batch 32 x 48, forward, backward,
AdamW) and KV-cache generation tokens/s (16 prompts of 8 tokens, 48 new tokens each,
sampled as one batch, as Ascent's generate decodes prompts of equal length). Prints JSON
records (medians).
"""
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
V, T, C, L, H = 400, 64, 64, 2, 4


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(C), nn.LayerNorm(C)
        self.c_attn, self.c_proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.c_fc, self.mlp_proj = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)

    def forward(self, x, cache=None):
        b, t, _ = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q, k, v = (z.view(b, t, H, C // H).transpose(1, 2) for z in (q, k, v))
        if cache is not None:
            if cache.get("k") is not None:
                k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k, v
        scores = q @ k.transpose(-2, -1) / math.sqrt(C // H)
        keys = k.shape[2]
        mask = torch.ones(t, keys, dtype=torch.bool).tril(keys - t)
        att = scores.masked_fill(~mask, float("-inf")).softmax(-1) @ v
        x = x + self.c_proj(att.transpose(1, 2).reshape(b, t, C))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(T, C)
        self.h = nn.ModuleList(Block() for _ in range(L))
        self.ln_f = nn.LayerNorm(C)

    def forward(self, idx, caches=None, start=0):
        x = self.wte(idx) + self.wpe(torch.arange(start, start + idx.shape[1]))
        for i, block in enumerate(self.h):
            x = block(x, None if caches is None else caches[i])
        return self.ln_f(x) @ self.wte.weight.T


def training(seed):
    torch.manual_seed(seed)
    model = GPT()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    data = torch.randint(0, V, (32, 49))
    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(data[:, :-1]).reshape(-1, V), data[:, 1:].reshape(-1))
        loss.backward()
        opt.step()
    step()
    start = time.perf_counter()
    for _ in range(20):
        step()
    return 20 * 32 * 48 / (time.perf_counter() - start)


@torch.no_grad()
def generation(seed):
    torch.manual_seed(seed)
    model = GPT()
    prompts = torch.randint(0, V, (16, 8))
    start = time.perf_counter()
    caches = [dict() for _ in range(L)]
    logits = model(prompts, caches)
    position = 8
    for _ in range(48):
        token = torch.multinomial(logits[:, -1].softmax(-1), 1)  # [16, 1]
        logits = model(token, caches, position)
        position += 1
    return 16 * 48 / (time.perf_counter() - start)


runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
print(json.dumps([
    {"name": "torch gpt training, batch 32 x 48 tokens", "value": statistics.median(training(s) for s in range(runs)), "unit": "tokens/s"},
    {"name": "torch gpt generation with KV cache, 16 prompts x 48 tokens", "value": statistics.median(generation(s) for s in range(runs)), "unit": "tokens/s"},
], indent=1))
