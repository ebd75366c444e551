"""Writes the Hugging Face model-folder fixtures of Tests/AscentRLHFTests/Fixtures.

Tiny models with random weights and a byte-level BPE tokenizer trained on a few sentences,
saved with `save_pretrained` exactly as `transformers` writes any model folder:

- gpt2-tiny: GPT-2, 2 layers, 16 wide;
- llama-tiny: Llama, grouped-query attention (4 query heads, 2 key/value heads), an untied
  output projection, Llama 3.1's rotary scaling;
- qwen2-tiny: Qwen2, biases on q/k/v, one key/value head for 4 query heads, tied embeddings.

Each has `reference.json`: token ids of sample texts under the tokenizer, the model's logits
for one input, and a greedy continuation. Ascent must reproduce them (logits to 1e-5, tokens
exactly).

`tokenizers/` holds byte-level BPE tokenizers built the way real models' are, trained on the
same sentences, with the ids `tokenizers` gives each sample text (with and without special
tokens added): smollm2 (each digit isolated, then GPT-2's pattern), qwen2 (NFC, Qwen2's
split pattern, chat special tokens), llama3 (Llama 3's split pattern, a BOS added to every
sequence). Rerun after changing it:

    python scripts/huggingface_fixtures.py   # needs torch, transformers, tokenizers
"""
import json
import pathlib

import torch
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import (GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast, Qwen2Config,
                          Qwen2ForCausalLM)

ROOT = pathlib.Path(__file__).resolve().parent.parent / "Tests/AscentRLHFTests/Fixtures"
SENTENCES = [
    "review of the lamp: the fit is superb.",
    "review of the phone: the design is awful, sadly!",
    "it's 42 degrees; we'll see — naïve café ✓",
    "  spaces   and\ttabs\nnewlines",
]
SAMPLES = SENTENCES + ["unseen words: zebra quixotic 1234567", "ünïcödé ✓✓ 😀 <|endoftext|>", ""]
TOKENIZER_SAMPLES = SAMPLES + ["<|im_start|>user\nhi there<|im_end|>\n<|im_start|>assistant\n", "numbers 12345 and 3.14e-5, 2024-12-01",
                               "Cafe\u0301 vs Café: NFC joins e + U+0301", "it's IT'S We'Ll 'd\r\n\r\n  x  ", "日本語のテキスト 123"]
QWEN2_PATTERN = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
LLAMA3_PATTERN = QWEN2_PATTERN.replace(r"|\p{N}|", r"|\p{N}{1,3}|")


def main():
    torch.manual_seed(0)
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=320, special_tokens=["<|endoftext|>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(SENTENCES * 30, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token="<|endoftext|>", eos_token="<|endoftext|>")
    eos = fast.convert_tokens_to_ids("<|endoftext|>")
    config = GPT2Config(vocab_size=tokenizer.get_vocab_size(), n_positions=32, n_embd=16, n_layer=2, n_head=2,
                        bos_token_id=eos, eos_token_id=eos)
    save("gpt2-tiny", GPT2LMHeadModel(config), fast, eos)
    llama = LlamaConfig(vocab_size=tokenizer.get_vocab_size(), hidden_size=32, intermediate_size=48, num_hidden_layers=2,
                        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64, tie_word_embeddings=False,
                        rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                      "original_max_position_embeddings": 16, "rope_theta": 500000.0},
                        rope_theta=500000.0, bos_token_id=eos, eos_token_id=eos)
    save("llama-tiny", LlamaForCausalLM(llama), fast, eos)
    qwen2 = Qwen2Config(vocab_size=tokenizer.get_vocab_size(), hidden_size=32, intermediate_size=48, num_hidden_layers=2,
                        num_attention_heads=4, num_key_value_heads=1, max_position_embeddings=64, tie_word_embeddings=True,
                        rms_norm_eps=1e-5, bos_token_id=eos, eos_token_id=eos)
    save("qwen2-tiny", Qwen2ForCausalLM(qwen2), fast, eos)
    save_tokenizers()


def save_tokenizers():
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    kinds = {
        "smollm2": (None, pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True),
                                                    pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)]), None),
        "qwen2": (normalizers.NFC(), pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(QWEN2_PATTERN), behavior="isolated", invert=False),
                                                               byte_level]), None),
        "llama3": (None, pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(LLAMA3_PATTERN), behavior="isolated", invert=False),
                                                   byte_level]), "<|begin_of_text|>"),
    }
    for name, (normalizer, pre, bos) in kinds.items():
        tokenizer = Tokenizer(models.BPE())
        if normalizer:
            tokenizer.normalizer = normalizer
        tokenizer.pre_tokenizer = pre
        tokenizer.decoder = decoders.ByteLevel()
        specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] + ([bos] if bos else [])
        trainer = trainers.BpeTrainer(vocab_size=360, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
        tokenizer.train_from_iterator(SENTENCES * 30, trainer)
        if bos:
            bos_id = tokenizer.token_to_id(bos)
            tokenizer.post_processor = processors.TemplateProcessing(single=f"{bos} $A", pair=f"{bos} $A {bos} $B", special_tokens=[(bos, bos_id)])
        else:
            tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
        folder = ROOT / "tokenizers" / name
        folder.mkdir(parents=True, exist_ok=True)
        tokenizer.save(str(folder / "tokenizer.json"))
        reference = {"samples": [{"text": t, "ids": tokenizer.encode(t, add_special_tokens=False).ids,
                                  "ids_with_special": tokenizer.encode(t).ids} for t in TOKENIZER_SAMPLES]}
        (folder / "reference.json").write_text(json.dumps(reference, ensure_ascii=False) + "\n")
        print("wrote", folder, "vocab", tokenizer.get_vocab_size())


def save(name, model, fast, eos):
    model = model.eval()
    with torch.no_grad():  # larger than the default init, so the logits are not all near zero
        for p in model.parameters():
            p.mul_(4)
    folder = ROOT / name
    model.save_pretrained(folder)
    fast.save_pretrained(folder)

    prompt = fast.encode("review of the lamp:")
    with torch.no_grad():
        logits = model(torch.tensor([prompt])).logits[0]
        greedy = model.generate(torch.tensor([prompt]), max_new_tokens=12, do_sample=False, eos_token_id=None, pad_token_id=eos)[0]
    reference = {
        "samples": [{"text": t, "ids": fast.encode(t, add_special_tokens=False)} for t in SAMPLES],
        "prompt": prompt,
        "logits": [[round(float(x), 7) for x in row] for row in logits],
        "greedy": greedy[len(prompt):].tolist(),
        "eos": eos,
    }
    (folder / "reference.json").write_text(json.dumps(reference) + "\n")
    print("wrote", folder, "vocab", fast.vocab_size, "eos", eos)


if __name__ == "__main__":
    main()
