#!/usr/bin/env python3
"""Turns the raw figures of bench/run.sh into the tables of BENCHMARKS.md.

usage: report.py RESULTS_DIR CRITERION_DIR BENCHMARKS_MD

Replaces the text between `<!-- bench:begin -->` and `<!-- bench:end -->` of BENCHMARKS_MD (creates the file
if needed): the figures and, last, the "Targets" table, whose every figure and verdict is this run's;
everything outside the markers is kept, so notes written by hand survive a new run. Also prints the
generated part. Only the standard library.
"""

import json
import os
import re
import statistics
import sys

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def load(results):
    values = {}
    for line in open(os.path.join(results, "results.tsv")):
        key, _, value = line.rstrip("\n").partition("\t")
        values.setdefault(key, []).append(value)
    return values


def median(values, key):
    samples = [float(v) for v in values.get(key, [])]
    return (statistics.median(samples), samples) if samples else (None, [])


def criterion(cdir, group, name):
    path = os.path.join(cdir, group, name, "new", "estimates.json")
    if not os.path.exists(path):
        return None
    est = json.load(open(path))["median"]
    ci = est["confidence_interval"]
    return est["point_estimate"], ci["lower_bound"], ci["upper_bound"]


def lines_of(src):
    total = code = files = 0
    for dirpath, _, names in os.walk(src):
        for name in names:
            if name.endswith(".rs"):
                files += 1
                for line in open(os.path.join(dirpath, name), encoding="utf-8"):
                    total += 1
                    s = line.strip()
                    if s and not s.startswith("//"):
                        code += 1
    return total, code, files


def count(src, pattern):
    rx = re.compile(pattern, re.M)
    if os.path.isfile(src):
        return len(rx.findall(open(src, encoding="utf-8").read()))
    n = 0
    for dirpath, _, names in os.walk(src):
        for name in names:
            if name.endswith(".rs"):
                n += len(rx.findall(open(os.path.join(dirpath, name), encoding="utf-8").read()))
    return n


def revision(src, pattern):
    for dirpath, _, names in os.walk(src):
        for name in sorted(names):
            if name.endswith(".rs") or name == "Cargo.toml":
                m = re.search(pattern, open(os.path.join(dirpath, name), encoding="utf-8").read())
                if m:
                    return m.group(1)
    return "?"


def secs(x):
    return "n/a" if x is None else f"{x:.2f} s"


def mb(x):
    return "n/a" if x is None else f"{x / 1e6:.1f} MB"


def ratio(a, b):
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:.2f}×"


def us(ns):
    return f"{ns / 1000:.1f} µs"


def status(ok, miss):
    return "**met**" if ok else f"**missed** ({miss})"


def main():
    results, cdir, out = sys.argv[1:4]
    v = load(results)
    one = lambda k: v.get(k, ["?"])[-1]
    rows = []
    w = rows.append
    # The "Targets" table: (target, this run's figure, status), written after the figures.
    targets = []

    ours_dir, peer_dir = one("ours_dir"), one("peer_dir")
    ours_lines = lines_of(os.path.join(ours_dir, "src"))
    peer_lines = lines_of(os.path.join(peer_dir, "src"))
    # One constructor per method (each starts its builder's `params`); same-shape methods share a builder.
    ours_methods = count(ours_dir, r"^\s*params: (?:::std::default::)?Default::default\(\),$")
    ours_builders = count(ours_dir, r'^\s*#\[must_use = "a request does nothing until it is sent"\]')
    peer_methods = count(peer_dir, r"^\s*pub async fn doit\(")
    # `schemas.rs` and its groups under one `cfg` each (`schemas/*.rs`).
    schemas = [os.path.join(ours_dir, "src", "schemas.rs"), os.path.join(ours_dir, "src", "schemas")]
    ours_structs = sum(count(path, r"^pub struct ") for path in schemas if os.path.exists(path))
    ours_enums = sum(count(path, r"^pub enum ") for path in schemas if os.path.exists(path))
    peer_types = count(peer_dir, r"serde::Serialize, serde::Deserialize\)\]")
    ours_rev = revision(ours_dir, r"\(revision (\d+)\)")
    peer_rev = revision(peer_dir, r'version = "[\d.]+\+(\d+)"')

    b_ours, b_ours_s = median(v, "build_ours")
    b_peer, b_peer_s = median(v, "build_peer")
    c_ours, c_ours_s = median(v, "check_ours")
    c_peer, c_peer_s = median(v, "check_peer")
    rlib = lambda k: float(v[k][-1]) if k in v else None
    runs = one("runs")

    w("## Figures")
    w("")
    w(f"Measured {one('date')} by `{one('command')}` on {one('nproc')} cores ({one('cpu')}), {one('memory')}, "
      f"{one('os')}, {one('rustc')}. Load average {one('load_start')} at the start, {one('load_end')} at the "
      f"end (the machine is shared). Whole run: {float(one('total_seconds')) / 60:.1f} min.")
    w("")
    w(f"Ours: `dialogflow-v2` (discogen), Discovery revision {ours_rev}: {ours_methods} methods on {ours_builders} "
      f"builder types, {ours_structs} schema structs and {ours_enums} enums. Peer: `google-dialogflow2` 6.0.0, revision {peer_rev}: {peer_methods} methods, "
      f"{peer_types} schema structs, enums as strings (google-apis-rs emits only the schemas its methods reach).")
    w("")
    w("### Build and size")
    w("")
    w(f"`cargo clean -p X` then `cargo build -p X` / `cargo check -p X` in the bench workspace, dependencies "
      f"already built, cargo's default `dev` profile with `incremental = false` for both; median of {runs} runs "
      "(samples in brackets). Ours is also built the two other ways an app gets it: as a path dependency, "
      "which cargo compiles incrementally (`CARGO_INCREMENTAL=1`), and as one with the profile override the "
      "README gives (`[profile.dev.package.dialogflow-v2]` `incremental = false`, `debug = false`). The peer "
      "comes from crates.io, so it is built one way.")
    w("")
    w("| figure | ours | peer | ours/peer | target | status |")
    w("|---|---|---|---|---|---|")
    fmt = lambda s: ", ".join(f"{x:.1f}" for x in s)
    def build_row(label, key, target):
        b, b_s = median(v, f"build_{key}")
        if b is None:
            return
        goal = verdict = ""
        if target and b_peer:
            goal = f"≤ {target:.2f}×"
            verdict = status(b / b_peer <= target, f"{b / b_peer / target:.2f}× the target")
        w(f"| `cargo build` of the crate, {label} | {secs(b)} [{fmt(b_s)}] | {secs(b_peer)} [{fmt(b_peer_s)}] | "
          f"{ratio(b, b_peer)} | {goal} | {verdict} |")

    build_row("as a registry or git dependency (incremental off)", "ours", 0.45)
    build_row("as a path dependency (incremental on)", "ours_path", None)
    build_row("as a path dependency with the README's profile override", "ours_override", 0.45)
    b_path, _ = median(v, "build_ours_path")
    b_override, _ = median(v, "build_ours_override")
    if b_ours is not None and b_peer:
        goal = 0.45
        got = [x / b_peer for x in (b_ours, b_override) if x is not None]
        figure = (f"{ratio(b_ours, b_peer)} as a registry or git dependency; {ratio(b_path, b_peer)} as a path "
                  f"dependency, {ratio(b_override, b_peer)} with the README's profile override; check "
                  f"{ratio(c_ours, c_peer)}")
        targets.append(("crate build ≤ 0.45× the peer's, every feature on (issue 21), both ways an app gets it",
                        figure, status(all(x <= goal for x in got),
                                       " / ".join(f"{x / goal:.2f}×" for x in got) + " the target")))
    w(f"| `cargo check` of the crate | {secs(c_ours)} [{fmt(c_ours_s)}] | {secs(c_peer)} [{fmt(c_peer_s)}] | "
      f"{ratio(c_ours, c_peer)} | | |")
    lines_ok = ours_lines[0] <= 0.5 * peer_lines[0]
    w(f"| lines of Rust (`src/**/*.rs`) | {ours_lines[0]:,} ({ours_lines[2]} files) | {peer_lines[0]:,} "
      f"({peer_lines[2]} files) | {ratio(ours_lines[0], peer_lines[0])} | ≤ 0.50× | "
      f"{status(lines_ok, f'{ours_lines[0] / peer_lines[0]:.2f}×')} |")
    targets.append(("generated lines ≤ 0.5× the peer's", ratio(ours_lines[0], peer_lines[0]),
                    status(lines_ok, f"{ours_lines[0] / peer_lines[0]:.2f}×")))
    w(f"| of which code (not blank, not `//`) | {ours_lines[1]:,} | {peer_lines[1]:,} | "
      f"{ratio(ours_lines[1], peer_lines[1])} | | |")
    w(f"| rlib, dev profile | {mb(rlib('rlib_dev_ours'))} | {mb(rlib('rlib_dev_peer'))} | "
      f"{ratio(rlib('rlib_dev_ours'), rlib('rlib_dev_peer'))} | | |")
    w(f"| rlib, release profile | {mb(rlib('rlib_release_ours'))} | {mb(rlib('rlib_release_peer'))} | "
      f"{ratio(rlib('rlib_release_ours'), rlib('rlib_release_peer'))} | | |")
    w("")

    if "build_features_none" in v:
        w("### Our crate with fewer cargo features (same method)")
        w("")
        w("One feature per resource family, all on by default. The client, the operations service and the "
          "schemas they use are always compiled. Built from a copy of the crate with an empty `[workspace]` "
          "(a feature flag needs a workspace member), so \"all\" is measured again beside the row above.")
        w("")
        w("| features | `cargo build` | `cargo check` | rlib (dev) | build vs all on | build vs peer |")
        w("|---|---|---|---|---|---|")
        for key, label in [
            ("features_all", "all (default)"),
            ("features_none", "none: `--no-default-features`"),
            ("features_agent", "`--no-default-features --features agent`"),
            ("features_conversations", "`--no-default-features --features conversations`"),
        ]:
            b, _ = median(v, f"build_{key}")
            c, _ = median(v, f"check_{key}")
            w(f"| {label} | {secs(b)} | {secs(c)} | {mb(rlib(f'rlib_dev_{key}'))} | {ratio(b, b_ours)} | "
              f"{ratio(b, b_peer)} |")
        w("")

    w("### One `operations.get` round trip on 127.0.0.1")
    w("")
    w("Same emulator (on its own runtime and thread), keep-alive connections, the clients on a current-thread "
      "tokio runtime. Floor: a hand-written reqwest GET + serde_json decode into our "
      "`GoogleLongrunningOperation` (the HTTP stack ours uses, nothing around it).")
    w("")
    paired = {}
    path = os.path.join(results, "roundtrip-paired.txt")
    if os.path.exists(path):
        for line in open(path):
            parts = line.split()
            paired[parts[0]] = [float(x) for x in parts[1:]]
    floor, ours, peer = (criterion(cdir, "roundtrip", n) for n in ("floor", "ours", "peer"))
    if paired and floor and ours and peer:
        rounds, batch = int(paired["rounds"][0]), int(paired["batch"][0])
        w(f"Paired: {rounds} rounds in which each client makes {batch} calls in turn (rotating who goes first), "
          "so that load from elsewhere hits all three alike; ratios are medians of the per-round ratios "
          "(quartiles in brackets). Client CPU is the client thread's CPU time per call "
          "(`CLOCK_THREAD_CPUTIME_ID`): the client's own work, without the server or waiting.")
        w("")
        w("| client | criterion median (95% CI) | paired wall per call | client CPU per call | "
          "floor/client (paired) | target | status |")
        w("|---|---|---|---|---|---|---|")
        q = lambda k: paired[k]
        fo, po = q("floor_over_ours"), q("peer_over_ours")
        rt_ok = fo[0] >= 0.95
        targets.append(("round trip ≥ 0.95× the raw reqwest floor (paired, wall time)",
                        f"{fo[0]:.3f} (quartiles {fo[1]:.3f}–{fo[2]:.3f})", status(rt_ok, f"{fo[0]:.3f}")))
        w(f"| floor: raw reqwest | {us(floor[0])} ({us(floor[1])}–{us(floor[2])}) | {us(q('floor_ns')[0])} | "
          f"{us(q('floor_cpu_ns')[0])} | 1 | | |")
        w(f"| ours: `dialogflow-v2` | {us(ours[0])} ({us(ours[1])}–{us(ours[2])}) | {us(q('ours_ns')[0])} | "
          f"{us(q('ours_cpu_ns')[0])} | {fo[0]:.3f} [{fo[1]:.3f}, {fo[2]:.3f}] | ≥ 0.95 | "
          f"{status(rt_ok, f'{fo[0]:.3f}')} |")
        w(f"| peer: `google-dialogflow2` | {us(peer[0])} ({us(peer[1])}–{us(peer[2])}) | {us(q('peer_ns')[0])} | "
          f"{us(q('peer_cpu_ns')[0])} | {fo[0] / po[0]:.3f} | | |")
        mocked = criterion(cdir, "roundtrip", "ours_mocked")
        if mocked:
            w(f"| ours, mocked: the `testing` feature's `Mock` as the transport (no socket) | {us(mocked[0])} "
              f"({us(mocked[1])}–{us(mocked[2])}) | | | | | |")
        w("")
        w(f"peer/ours (paired, wall time): {po[0]:.3f} [{po[1]:.3f}, {po[2]:.3f}] — below 1 means the peer is faster.")
        if mocked:
            w(f"A mocked call takes {mocked[0] / ours[0]:.2f}× a loopback round trip of the same client (criterion medians).")
    else:
        w("(round-trip results missing)")
    w("")
    w("### Decode (criterion, median)")
    w("")
    w("| input | ours | peer | ours/peer (time) |")
    w("|---|---|---|---|")
    typed = []
    for group, label in [("decode-operation", "Operation with metadata and response"),
                         ("decode-payload", "the response as its typed schema (ConversationModel)"),
                         ("decode-list", "a large list response (ListIntentsResponse, 100 intents)")]:
        o, p = criterion(cdir, group, "ours"), criterion(cdir, group, "peer")
        if o and p and group != "decode-operation":
            typed.append(({"decode-payload": "ConversationModel", "decode-list": "a 100-intent list"}[group],
                          o[0] / p[0]))
        size = None
        bench = os.path.join(cdir, group, "ours", "new", "benchmark.json")
        if os.path.exists(bench):
            tp = json.load(open(bench)).get("throughput") or {}
            size = tp.get("Bytes")
        if o and p:
            mbs = lambda ns: f" = {size / ns * 1e3:.0f} MB/s" if size else ""
            w(f"| {label} ({size} bytes) | {us(o[0])}{mbs(o[0])} | {us(p[0])}{mbs(p[0])} | {o[0] / p[0]:.2f}× |")
    w("")
    if typed:
        slower = [f"{name} {x:.2f}×" for name, x in typed if x > 1]
        targets.append(("decoding a typed schema at least as fast as the peer's serde derive (issue 21)",
                        ", ".join(f"{name} {x:.2f}×" for name, x in typed) + " the peer's time",
                        status(not slower, ", ".join(slower))))

    if "app_cold_ours" in v:
        w("### The app's bill")
        w("")
        w("A tiny app (`bench/apps/*`) that builds a client and calls `operations.get` once, one per crate. "
          "Cold: `cargo clean -p <API crate> -p <app>` then `cargo build -p <app>` (the API crate and the app "
          "compiled, the binary linked; every other dependency prebuilt). Rebuild: the app's `main.rs` "
          f"touched, then `cargo build -p <app>`. Same profile as above; median of {runs} runs, the "
          "apps taking turns in each run.")
        w("")
        w("| app's API crate | cold build | vs peer | vs official | rebuild after an edit | vs peer | target | status | distinct crates | in two versions (`cargo tree -d -e normal`) |")
        w("|---|---|---|---|---|---|---|---|---|---|")
        cold_peer, _ = median(v, "app_cold_peer")
        cold_official, _ = median(v, "app_cold_official")
        re_peer, _ = median(v, "app_rebuild_peer")
        app_ratios = {}
        for key, label, target in [
            ("ours", "ours, `dialogflow-v2` (all features), as a registry or git dependency", (0.55, 0.15, None)),
            ("ours-path", "ours, as a path dependency (incremental on)", None),
            ("ours-override", "ours, as `cargo discogen add` places it: a path dependency with the profile override", (0.50, 0.15, 1.0)),
            ("ours-no-features", "ours, `default-features = false`", None),
            ("ours-testing", "ours, all features and `testing` (the mock)", None),
            ("peer", "peer, `google-dialogflow2` 6.0.0", None),
            ("official", f"official, `google-cloud-dialogflow-v2` {one('official_version')}", None),
        ]:
            cold, cold_s = median(v, f"app_cold_{key}")
            rebuild, _ = median(v, f"app_rebuild_{key}")
            if cold is None:
                continue
            crates = v.get(f"app_crates_{key}", [""])[-1]
            twice = v.get(f"app_duplicates_{key}", ["—" if crates else ""])[-1] or ("none" if crates else "")
            twice = ", ".join(f"`{d}`" for d in twice.split(",")) if twice not in ("", "none", "—") else twice
            if cold_peer and cold_official:
                app_ratios[key] = (cold / cold_peer, cold / cold_official)
            if target:
                ok = cold / cold_peer <= target[0] and cold / cold_official <= target[1]
                miss = f"{cold / cold_peer / target[0]:.1f}× / {cold / cold_official / target[1]:.1f}× the targets"
                goal = f"≤ {target[0]:.2f}× peer, ≤ {target[1]:.2f}× official"
                if target[2] is not None and re_peer:
                    ok = ok and rebuild / re_peer <= target[2]
                    miss += f", rebuild {rebuild / re_peer / target[2]:.2f}× its target"
                    goal += f"; rebuild ≤ {target[2]:.1f}× peer"
                verdict = status(ok, miss)
            else:
                goal = verdict = ""
            w(f"| {label} | {secs(cold)} [{fmt(cold_s)}] | {ratio(cold, cold_peer)} | {ratio(cold, cold_official)} "
              f"| {secs(rebuild)} | {ratio(rebuild, re_peer)} | {goal} | {verdict} | {crates} | {twice} |")
        w("")
        judged = [app_ratios[k] for k in ("ours", "ours-override") if k in app_ratios]
        if judged:
            both = lambda k, what: (f"{app_ratios[k][0]:.2f}× and {app_ratios[k][1]:.2f}× {what}"
                                    if k in app_ratios else None)
            figure = "; ".join(x for x in (both("ours", "as a registry dependency"),
                                           both("ours-override", "with the override"),
                                           both("ours-no-features", "with no features")) if x)
            def against(name, goal, ratios):
                # As the table above words it: each judged row's ratio over the target.
                over = " / ".join(f"{x / goal:.1f}×" for x in ratios)
                verdict = "met" if all(x <= goal for x in ratios) else "**missed**"
                return f"{verdict} against {name} ({over} the target)"
            verdict = (f"{against('the peer', 0.55, [p for p, _ in judged])}, "
                       f"{against('the official crate', 0.15, [o for _, o in judged])}")
            targets.append(("app cold build ≤ 0.55× the peer's and ≤ 0.15× the official crate's (issue 21), "
                            "as a registry dependency and with the override", figure, verdict))
        if "ours-override" in app_ratios and re_peer:
            peer_x, official_x = app_ratios["ours-override"]
            rebuild_x = median(v, "app_rebuild_ours-override")[0] / re_peer
            ok = peer_x <= 0.50 and official_x <= 0.15 and rebuild_x <= 1.0
            targets.append(("the app with the crate as `cargo discogen add` places it: cold ≤ 0.5× the peer's "
                            "and ≤ 0.15× the official crate's, rebuild after an edit ≤ 1.0× the peer's (issue 29)",
                            f"cold {peer_x:.2f}× and {official_x:.2f}×, rebuild {rebuild_x:.2f}×",
                            status(ok, f"{peer_x / 0.50:.1f}× / {official_x / 0.15:.1f}× / "
                                       f"{rebuild_x:.2f}× the targets")))

    path = os.path.join(results, "wire_bytes.txt")
    if os.path.exists(path):
        wire = dict(line.split(":", 1) for line in open(path) if ":" in line)
        w("### Bytes on the wire: a large list, with and without gzip")
        w("")
        w("`operations.list` of 100 finished operations through the emulator (`cargo run --release -p "
          "discogen-bench --example wire_bytes`), every byte of the response counted:")
        w("")
        w("| `Accept-Encoding` | bytes (of body) |")
        w("|---|---|")
        w(f"| identity | {wire.get('identity', '?').strip()} |")
        w(f"| gzip (the runtime's default) | {wire.get('gzip', '?').strip()} |")
        w(f"| gzip/identity | {wire.get('gzip/identity', '?').strip()} |")
        w("")

    w("### Generating the four crates")
    w("")
    gen = {}
    crates = []
    path = os.path.join(results, "gentime.txt")
    if os.path.exists(path):
        for line in open(path):
            parts = line.split()
            if parts and parts[0] == "crate":
                crates.append(parts[1:])
            elif len(parts) == 2:
                gen[parts[0]] = float(parts[1])
    x_gen, x_gen_s = median(v, "xtask_generate")
    x_chk, _ = median(v, "xtask_check")
    w("| figure | time | target | status |")
    w("|---|---|---|---|")
    if x_gen is not None:
        gen_ok = x_gen < 2.0
        w(f"| `xtask generate --discovery <4 documents> --out DIR` (release binary, "
          f"median of {len(x_gen_s)}) | {secs(x_gen)} | < 2 s | {status(gen_ok, f'{x_gen - 2.0:+.2f} s')} |")
        targets.append(("four crates generated in under 2 s", secs(x_gen),
                        status(gen_ok, f"{x_gen - 2.0:+.2f} s")))
    if gen:
        w(f"| in process: `discogen::generate` × 4 (parse, resolve, emit, prettyplease) | "
          f"{secs(gen.get('generate_s'))} | | |")
    if x_chk is not None:
        w(f"| `xtask generate --check` (all {one('xtask_check_crates')} project crates incl. fixtures, "
          f"release notes) | {secs(x_chk)} | | |")
    if crates:
        w("")
        w("Per crate (in process): " + ", ".join(
            f"`{name}` {float(t):.2f} s ({int(n):,} lines)" for name, t, n in crates) + ".")
    w("")

    if ours_builders:
        targets.append(("dialogflow-v2 ≤ 130 builder types (issue 12)", f"{ours_builders} for {ours_methods} methods",
                        status(ours_builders <= 130, f"{ours_builders}")))
    w("## Targets")
    w("")
    w("Written by the run above from its own figures; the notes below explain the misses.")
    w("")
    w("| target | figure (this run) | status |")
    w("|---|---|---|")
    for target, figure, verdict in targets:
        w(f"| {target} | {figure} | {verdict} |")
    w("")

    text = "\n".join(rows)
    block = f"{BEGIN}\n{text}\n{END}"
    if os.path.exists(out):
        doc = open(out).read()
        if BEGIN in doc and END in doc:
            doc = doc[: doc.index(BEGIN)] + block + doc[doc.index(END) + len(END):]
        else:
            doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    else:
        doc = "# Benchmarks\n\nReproduce with `bench/run.sh` (see bench/run.sh).\n\n" + block + "\n"
    open(out, "w").write(doc)
    print(text)


if __name__ == "__main__":
    main()
