#!/usr/bin/env bash
# One GRPO round at GPT-2 small's size (124M parameters): 8 prompts x 4 samples x 64 new tokens,
# one update epoch, a rule reward, as BENCHMARKS.md and docs/rlhf.md report it. The model is
# GPT-2 small's architecture with random weights, written by transformers (in bench/.venv-sb3)
# with a stand-in byte-level tokenizer of GPT-2's vocabulary size (256 bytes, 50,000 inert
# tokens, <|endoftext|>): the round's cost does not depend on what the weights say.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/sb3_venv.sh
work=${WORK:-/tmp/ascent-rlhf-124m}
mkdir -p "$work"
if [ ! -f "$work/model/model.safetensors" ]; then
  bench/.venv-sb3/bin/python - "$work/model" <<'PY'
import json, sys, torch
from transformers import GPT2Config, GPT2LMHeadModel
folder = sys.argv[1]
torch.manual_seed(0)
GPT2LMHeadModel(GPT2Config()).save_pretrained(folder)
printable = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
codes, extra = printable[:], 0
for b in range(256):
    if b not in printable:
        printable.append(b); codes.append(256 + extra); extra += 1
vocab = {chr(c): i for i, c in enumerate(codes)}
vocab.update({f"tok{i}": 256 + i for i in range(50000)})
vocab["<|endoftext|>"] = 50256
json.dump({"version": "1.0", "added_tokens": [{"id": 50256, "content": "<|endoftext|>", "special": True, "lstrip": False, "rstrip": False,
                                               "single_word": False, "normalized": False}],
           "normalizer": None, "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "use_regex": True}, "post_processor": None,
           "decoder": {"type": "ByteLevel"}, "model": {"type": "BPE", "vocab": vocab, "merges": []}}, open(f"{folder}/tokenizer.json", "w"))
PY
fi
for p in "Write a short review of the lamp:" "Describe the phone in a sentence:" "What is two plus three?" "Name a colour:" \
         "Say something kind:" "Tell me about the weather:" "Give me a number:" "Finish this: once upon a"; do
  printf '{"prompt": "%s"}\n' "$p"
done > "$work/prompts.jsonl"
swift build -c release --product ascent >/dev/null
rm -rf "$work/run"
/usr/bin/time -f "%e s wall, peak %M KB" .build/release/ascent rlhf grpo --dir "$work/run" --model "$work/model" --prompts "$work/prompts.jsonl" \
  --reward length:20 --iterations 1 --batch-size 8 --group-size 4 --max-new-tokens 64 --epochs 1
python3 -c "
import json; m = json.load(open('$work/run/grpo-metrics.json'))[0]
generation = m['responseLength'] * 32 / m['generationTokensPerSecond']; update = m['responseLength'] * 32 / m['updateTokensPerSecond']
print(f\"round {m['seconds']:.1f} s: generation {generation:.1f} s ({m['generationTokensPerSecond']:.1f} tokens/s), \"
      f\"update {update:.1f} s ({m['updateTokensPerSecond']:.1f} tokens/s), log-probabilities and scoring {m['seconds'] - generation - update:.1f} s\")"
