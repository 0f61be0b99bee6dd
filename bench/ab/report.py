#!/usr/bin/env python3
"""Writes bench/ab.sh's figures into BENCHMARKS.md, between `<!-- ab:begin -->` and `<!-- ab:end -->`."""
import statistics
import sys
from collections import defaultdict

results, benchmarks = sys.argv[1], sys.argv[2]
values = defaultdict(list)
for line in open(results):
    key, value = line.rstrip("\n").split("\t", 1)
    values[key].append(value)


def one(key):
    return values[key][0]


def median(key):
    return statistics.median(float(v) for v in values[key])


def best(key):
    return min(float(v) for v in values[key])


def samples(key):
    return ", ".join(f"{float(v):.1f}" for v in values[key])


VARIANTS = [
    ("before", "the parent: no unknown fields, plain pub structs"),
    ("unknown_fields", "unknown fields kept, `#[non_exhaustive]`, `with_*` setters"),
    ("head_without_float_roundtrip", "today's crate and runtime, serde_json without `float_roundtrip`"),
    ("head", "today's crate and runtime (with `float_roundtrip`)"),
]


def ratio(a, b, of=median):
    return f"{of(a) / of(b):.2f}×"


out = []
w = out.append
w("## The cost of keeping unknown fields")
w("")
w(
    f"Measured {one('date')} by `bench/ab.sh {one('runs')}` on {one('nproc')} cores, {one('rustc')}. "
    f"Load average {one('load_start')} at the start, {one('load_end')} at the end. "
    f"Whole run: {float(one('total_seconds')) / 60:.1f} min."
)
w("")
w(
    "Four variants of `dialogflow-v2` with the runtime of the same commit, each in a workspace of its own "
    "(the commit's root manifest, so the same `dev` profile, `incremental = false`). Builds are "
    "`cargo clean -p dialogflow-v2` then `cargo build`/`check`, dependencies prebuilt; all variants take turns "
    "in each round, the first rotating; medians (samples in brackets). CPU is user + system time of cargo and "
    "rustc, the steadier figure on a shared machine."
)
w("")
w("| variant | commit | lines | `cargo check` CPU | `cargo build` CPU | build CPU vs before | `cargo build` wall |")
w("|---|---|---|---|---|---|---|")
for name, what in VARIANTS:
    w(
        f"| {name}: {what} | {one('commit_' + name)} | {int(one('lines_' + name)):,} "
        f"| {median('check_cpu_' + name):.2f} s [{samples('check_cpu_' + name)}] "
        f"| {median('build_cpu_' + name):.2f} s [{samples('build_cpu_' + name)}] "
        f"| {ratio('build_cpu_' + name, 'build_cpu_before')} "
        f"| {median('build_' + name):.2f} s [{samples('build_' + name)}] |"
    )
w("")
w(
    "Decode and encode (`serde_json::from_slice` / `to_vec`) with `bench/ab/decode.rs`, the same source "
    "compiled (release) against each variant; the thread's CPU time per call, per round the median of ~20 ms "
    "batches over 0.5 s, then the best round (a shared machine's interference only adds time; the rounds "
    "varied by up to 1.5× on this machine, so differences under ~10 % are noise). `intents`: a `ListIntentsResponse` of 100 intents (8 training phrases each); "
    "`intents_unknown`: the same with 3 members per intent and per phrase part that the crate does not "
    "know (a newer API); `messages`: 400 conversation messages with sentiment scores (floats)."
)
w("")
w("| payload | figure | " + " | ".join(n for n, _ in VARIANTS) + " | unknown_fields / before | head / head_without_float_roundtrip |")
w("|---|---|" + "---|" * len(VARIANTS) + "---|---|")
for payload in ["intents", "intents_unknown", "messages"]:
    for figure, unit in [("decode_ns", "µs"), ("encode_ns", "µs")]:
        cells = [f"{best(f'{n}:{payload}_{figure}') / 1000:.0f} {unit}" for n, _ in VARIANTS]
        w(
            f"| `{payload}` ({int(one(f'before:{payload}_bytes')):,} B) | {figure.split('_')[0]} | "
            + " | ".join(cells)
            + f" | {ratio(f'unknown_fields:{payload}_{figure}', f'before:{payload}_{figure}', best)}"
            + f" | {ratio(f'head:{payload}_{figure}', f'head_without_float_roundtrip:{payload}_{figure}', best)} |"
        )
    written = [f"{int(float(values[f'{n}:{payload}_written_bytes'][0])):,} B" for n, _ in VARIANTS]
    w(f"| `{payload}` | bytes written back | " + " | ".join(written) + " | | |")
sizes = [f"{one(f'{n}:intent_size')} B" for n, _ in VARIANTS]
w("| | `size_of::<Intent>()` | " + " | ".join(sizes) + " | | |")
section = "\n".join(out) + "\n"

text = open(benchmarks).read()
begin, end = "<!-- ab:begin -->", "<!-- ab:end -->"
if begin in text:
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    text = head + begin + "\n" + section + end + tail
else:
    text = text.rstrip("\n") + "\n\n" + begin + "\n" + section + end + "\n"
open(benchmarks, "w").write(text)
