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
sequence).

`chat-templates.json` holds chat templates written in the styles of SmolLM2, Qwen2.5 (with its
tool-call branches), Qwen3 (a namespace and reasoning blocks), Llama 3.1, Zephyr/TinyLlama
(block tags on their own lines, where trim_blocks and lstrip_blocks matter) and Mistral
(raise_exception), each rendered by `transformers`' own Jinja environment for several
conversations, with and without the generation prompt. Rerun after changing it:

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
    save_chat_templates()


CHAT_TEMPLATES = {
    "smollm2": (
        "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI "
        "assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] "
        "+ '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"),
    "qwen2.5": """{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
    {%- endif %}
    {{- "\\n\\n# Tools\\n\\n<tools>" }}
    {%- for tool in tools %}
        {{- "\\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\\n</tools><|im_end|>\\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
    {%- else %}
        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>' + message.role }}
        {%- if message.content %}
            {{- '\\n' + message.content }}
        {%- endif %}
        {%- for tool_call in message.tool_calls %}
            {%- if tool_call.function is defined %}
                {%- set tool_call = tool_call.function %}
            {%- endif %}
            {{- '\\n<tool_call>\\n{"name": "' }}
            {{- tool_call.name }}
            {{- '", "arguments": ' }}
            {{- tool_call.arguments | tojson }}
            {{- '}\\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\\n' }}
    {%- elif message.role == "tool" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\\n<tool_response>\\n' }}
        {{- message.content }}
        {{- '\\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
{%- endif %}
""",
    "qwen3": """{%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}
{%- for message in messages[::-1] %}
    {%- set index = (messages|length - 1) - loop.index0 %}
    {%- if ns.multi_step_tool and message.role == "user" and not(message.content.startswith('<tool_response>') and message.content.endswith('</tool_response>')) %}
        {%- set ns.multi_step_tool = false %}
        {%- set ns.last_query_index = index %}
    {%- endif %}
{%- endfor %}
{%- for message in messages %}
    {%- if message.content is string %}
        {%- set content = message.content %}
    {%- else %}
        {%- set content = '' %}
    {%- endif %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) %}
        {{- '<|im_start|>' + message.role + '\\n' + content + '<|im_end|>' + '\\n' }}
    {%- elif message.role == "system" %}
        {{- '<|im_start|>system\\n' + content + '<|im_end|>\\n' }}
    {%- elif message.role == "assistant" %}
        {%- set reasoning_content = '' %}
        {%- if '</think>' in content %}
            {%- set reasoning_content = content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}
            {%- set content = content.split('</think>')[-1].lstrip('\\n') %}
        {%- endif %}
        {%- if loop.index0 > ns.last_query_index %}
            {%- if loop.last or (not loop.last and reasoning_content) %}
                {{- '<|im_start|>' + message.role + '\\n<think>\\n' + reasoning_content.strip('\\n') + '\\n</think>\\n\\n' + content.lstrip('\\n') }}
            {%- else %}
                {{- '<|im_start|>' + message.role + '\\n' + content }}
            {%- endif %}
        {%- else %}
            {{- '<|im_start|>' + message.role + '\\n' + content }}
        {%- endif %}
        {{- '<|im_end|>\\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
    {%- if enable_thinking is defined and enable_thinking is false %}
        {{- '<think>\\n\\n</think>\\n\\n' }}
    {%- endif %}
{%- endif %}""",
    "llama3.1": """{{- bos_token }}
{%- if custom_tools is defined %}
    {%- set tools = custom_tools %}
{%- endif %}
{%- if not tools_in_user_message is defined %}
    {%- set tools_in_user_message = true %}
{%- endif %}
{%- if not date_string is defined %}
    {%- set date_string = "26 Jul 2024" %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}

{#- This block extracts the system message, so we can slot it into the right place. #}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}

{#- System message + builtin tools #}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
{{- "Cutting Knowledge Date: December 2023\\n" }}
{{- "Today Date: " + date_string + "\\n\\n" }}
{{- system_message }}
{{- "<|eot_id|>" }}

{%- for message in messages %}
    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
{%- endif %}
""",
    "zephyr": """{% for message in messages %}
{% if message['role'] == 'user' %}
{{ '<|user|>
' + message['content'] + eos_token }}
{% elif message['role'] == 'system' %}
{{ '<|system|>
' + message['content'] + eos_token }}
{% elif message['role'] == 'assistant' %}
{{ '<|assistant|>
'  + message['content'] + eos_token }}
{% endif %}
{% if loop.last and add_generation_prompt %}
{{ '<|assistant|>' }}
{% endif %}
{% endfor %}""",
    "mistral": (
        "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation "
        "roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + "
        "' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and "
        "assistant roles are supported!') }}{% endif %}{% endfor %}"),
}
CONVERSATIONS = [
    [{"role": "system", "content": "You answer briefly."}, {"role": "user", "content": "What is 2+3?"}, {"role": "assistant", "content": "5"}],
    [{"role": "user", "content": "  Hi there!\nHow are you? "}, {"role": "assistant", "content": "Fine, thanks — and you?"},
     {"role": "user", "content": "Good. Say \"quoted\" 'text'."}, {"role": "assistant", "content": "<think>\nThey want quotes.\n</think>\n\n\"quoted\" 'text'"}],
    [{"role": "user", "content": "Only a question"}],
]


def save_chat_templates():
    from transformers.utils.chat_template_utils import _compile_jinja_template
    fixtures = []
    for name, source in CHAT_TEMPLATES.items():
        template = _compile_jinja_template(source)
        cases = []
        for messages in CONVERSATIONS:
            for generation in [False, True]:
                case = {"messages": messages, "add_generation_prompt": generation}
                try:
                    case["rendered"] = template.render(messages=messages, add_generation_prompt=generation, bos_token="<s>", eos_token="</s>")
                except Exception as error:  # raise_exception
                    case["error"] = str(error)
                cases.append(case)
        fixtures.append({"name": name, "template": source, "cases": cases})
    (ROOT / "chat-templates.json").write_text(json.dumps(fixtures, ensure_ascii=False, indent=1) + "\n")
    print("wrote", ROOT / "chat-templates.json", len(fixtures), "templates")


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
