"""Checks that Python's Hugging Face libraries read the model folders Ascent writes.

`ascent rlhf export` re-saves each fixture folder that `transformers` wrote
(Tests/AscentRLHFTests/Fixtures: gpt2-tiny, llama-tiny, qwen2-tiny); then:
- `safetensors` and `tokenizers` (always): the saved tensors are exactly the names, shapes and
  values `transformers` itself saved, and the saved tokenizer.json encodes every sample text to
  the same ids as the original;
- `transformers` with torch (when installed): `AutoModelForCausalLM.from_pretrained` loads the
  folder with no missing or unexpected keys and gives the original model's logits, and
  Ascent's greedy `rlhf generate` continues the prompt as `generate` does.

    python scripts/verify_huggingface.py .build/debug/ascent
"""
import json
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = [ROOT / "Tests/AscentRLHFTests/Fixtures" / name for name in ["gpt2-tiny", "llama-tiny", "qwen2-tiny"]]


def main():
    for fixture in FIXTURES:
        print(f"{fixture.name}:")
        verify(sys.argv[1], fixture)


def verify(ascent, FIXTURE):
    reference = json.loads((FIXTURE / "reference.json").read_text())
    with tempfile.TemporaryDirectory() as work:
        saved = pathlib.Path(work) / "exported"
        subprocess.run([ascent, "rlhf", "export", "--model", str(FIXTURE), "--out", str(saved)], check=True, capture_output=True)
        original, exported = load_file(FIXTURE / "model.safetensors"), load_file(saved / "model.safetensors")
        assert sorted(original) == sorted(exported), f"tensor names differ: {sorted(set(original) ^ set(exported))}"
        for name, value in original.items():
            assert exported[name].shape == value.shape and np.array_equal(exported[name], value), name
        tokenizer = Tokenizer.from_file(str(saved / "tokenizer.json"))
        for sample in reference["samples"]:
            ids = tokenizer.encode(sample["text"], add_special_tokens=False).ids
            assert ids == sample["ids"], f"{sample['text']!r}: {ids} != {sample['ids']}"
        print(f"  safetensors and tokenizers read Ascent's folder: {len(original)} tensors identical, {len(reference['samples'])} texts tokenized alike")

        try:
            import torch
            from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast
        except ImportError:
            print("  transformers with torch is not installed: skipped the from_pretrained check")
            return
        model, info = AutoModelForCausalLM.from_pretrained(saved, output_loading_info=True)
        assert not info["missing_keys"] and not info["unexpected_keys"], info
        with torch.no_grad():
            logits = model.eval()(torch.tensor([reference["prompt"]])).logits[0].numpy()
        difference = np.abs(logits - np.array(reference["logits"])).max()
        assert difference < 1e-5, difference
        # tokenizer.json as written (AutoTokenizer would pick Qwen2Tokenizer for a qwen2 folder, which
        # swaps in Qwen's own pre-tokenizer: the fixture's tokenizer is GPT-2's kind).
        hf_tokenizer = PreTrainedTokenizerFast.from_pretrained(saved)
        for sample in reference["samples"]:
            assert hf_tokenizer.encode(sample["text"], add_special_tokens=False) == sample["ids"], sample["text"]
        prompt = "review of the lamp:"
        out = subprocess.run([ascent, "rlhf", "generate", "--model", str(saved), "--prompt", prompt, "--temperature", "0", "--count", "1",
                              "--max-new-tokens", str(len(reference["greedy"]))], check=True, capture_output=True).stdout.decode().split("\n")[0]  # bytes: the text may hold a carriage return
        expected = prompt + hf_tokenizer.decode(reference["greedy"])
        assert out == expected, f"{out!r} != {expected!r}"
        print(f"  transformers loads Ascent's folder: no missing or unexpected keys, logits within {difference:.1e}, greedy text identical")


if __name__ == "__main__":
    main()
