#!/usr/bin/env python3
"""Hand-made variants of a generated crate, to measure what a leaner generator would gain.

usage: variants.py CRATE_DIR OUT_DIR RUNTIME_DIR

Writes, from CRATE_DIR (e.g. generated/dialogflow-v2), each variant as a crate of its own (with an empty
`[workspace]`, so it is built with `--manifest-path`):

- OUT_DIR/features: the same code, each resource family under `projects` (and the same name under
  `projects.locations`) behind a cargo feature, e.g. `agent` gates `projects.agent` and
  `projects.locations.agent`, except the family that lib.rs uses (`operations`, behind the LRO
  poller), which is always on; every schema behind the features whose methods reach it; schemas no method
  reaches behind `unreferenced-schemas`. All on by default, so the default build is the full crate.
- OUT_DIR/lean: the full crate without the schemas of other API versions (v2beta1, CX v3, v3beta1, v3alpha1)
  that no method reaches (they only document `Any` payloads of other APIs).

Prints a summary (counts) to stdout. Only the standard library; works on rustfmt-formatted generated code.
"""

import os
import re
import shutil
import sys

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Schemas of other API versions, embedded in the v2 document for documentation only.
OTHER_VERSIONS = re.compile(r"^GoogleCloudDialogflow(V2beta1|CxV3|CxV3beta1|V3alpha1|V3beta1)[A-Z]")


def depth_changes(line):
    """Net brace depth of a line, ignoring string literals, chars and // comments."""
    depth = 0
    i = 0
    in_str = False
    while i < len(line):
        c = line[i]
        if in_str:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c == "'" and i + 2 < len(line) and line[i + 2] == "'":
            i += 3
            continue
        elif line.startswith("//", i):
            break
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        i += 1
    return depth


def split_items(lines, start=0):
    """Top-level items of a file: (first_line, last_line) spans, attributes and docs included."""
    items = []
    depth = 0
    begin = None
    for n in range(start, len(lines)):
        line = lines[n]
        stripped = line.strip()
        if depth == 0 and begin is None:
            if not stripped or stripped.startswith("//") and not stripped.startswith("///"):
                continue
            begin = n
        depth += depth_changes(line)
        if depth == 0 and begin is not None:
            ends = stripped.endswith("}") or stripped.endswith(";")
            if ends and not stripped.startswith("#[") and not stripped.startswith("///"):
                items.append((begin, n))
                begin = None
    return items


def owner(text):
    m = re.search(r"^pub (?:struct|enum|type) (\w+)", text, re.M)
    if m:
        return m.group(1)
    m = re.search(r"^impl(?:<[^>]*>)?\s+(?:[^{]*?\s+for\s+)?([\w:]+)", text, re.M)
    if m:
        return m.group(1).split("::")[-1]
    m = re.search(r"open_enum!\(\s*(\w+)\s*\)", text)
    if m:
        return m.group(1)
    raise SystemExit(f"cannot tell the type of item:\n{text[:300]}")


def closure(roots, refs):
    seen = set()
    stack = list(roots)
    while stack:
        t = stack.pop()
        if t in seen or t not in refs:
            continue
        seen.add(t)
        stack.extend(refs[t] - seen)
    return seen


def module_spans(lines, indent):
    """`pub mod NAME {` blocks at the given indentation: name -> (first, last)."""
    spans = {}
    prefix = " " * indent + "pub mod "
    n = 0
    while n < len(lines):
        line = lines[n]
        if line.startswith(prefix) and line.rstrip().endswith("{"):
            name = line[len(prefix):].split()[0]
            depth = 0
            for m in range(n, len(lines)):
                depth += depth_changes(lines[m])
                if depth == 0:
                    spans[name] = (n, m)
                    n = m
                    break
        n += 1
    return spans


def find_block(lines, header):
    for n, line in enumerate(lines):
        if line.startswith(header):
            depth = 0
            for m in range(n, len(lines)):
                depth += depth_changes(lines[m])
                if depth == 0:
                    return (n, m)
    raise SystemExit(f"no block {header!r}")


def accessor_lines(lines, span, indent, modules):
    """Lines `pub fn NAME(` of accessors (to gated modules) in a handle's impl block."""
    out = {}
    prefix = " " * indent + "pub fn "
    for n in range(span[0], span[1] + 1):
        line = lines[n]
        if line.startswith(prefix):
            name = line[len(prefix):].split("(")[0]
            if name in modules:
                out[name] = n
    return out


def main():
    crate, out, runtime = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    src = os.path.join(crate, "src")
    read = lambda rel: open(os.path.join(src, rel)).read().split("\n")
    schemas = read("schemas.rs")
    projects = read("resources/projects.rs")
    lib = read("lib.rs")

    items = split_items(schemas)
    texts = ["\n".join(schemas[a : b + 1]) for a, b in items]
    owners = [owner(t) for t in texts]
    types = set(owners)
    refs = {t: set() for t in types}
    for o, t in zip(owners, texts):
        refs[o] |= (set(IDENT.findall(t)) & types) - {o}

    def used(text):
        return set(IDENT.findall(text)) & types

    # Resource families: modules under `projects` and under `projects.locations`.
    top = module_spans(projects, 0)
    locations = top.get("locations")
    inner = {}
    if locations:
        sub = module_spans(projects[locations[0] : locations[1] + 1], 4)
        inner = {k: (a + locations[0], b + locations[0]) for k, (a, b) in sub.items()}
    # A family that lib.rs uses (the operations service behind the LRO poller) is never gated.
    lib_text = "\n".join(lib)
    always = {f for f in (set(top) | set(inner)) if f".{f}()" in lib_text}
    top = {k: s for k, s in top.items() if k not in always}
    inner = {k: s for k, s in inner.items() if k not in always}
    families = sorted((set(top) - {"locations"}) | set(inner))
    gated = {}  # feature -> list of spans
    for name, span in top.items():
        if name != "locations":
            gated.setdefault(name, []).append(span)
    for name, span in inner.items():
        gated.setdefault(name, []).append(span)

    in_gated = [False] * len(projects)
    for spans in gated.values():
        for a, b in spans:
            for n in range(a, b + 1):
                in_gated[n] = True
    core_text = "\n".join(l for n, l in enumerate(projects) if not in_gated[n]) + "\n".join(lib)
    core = closure(used(core_text), refs)
    per_feature = {
        f: closure(used("\n".join("\n".join(projects[a : b + 1]) for a, b in spans)), refs) - core
        for f, spans in gated.items()
    }
    reached = set(core).union(*per_feature.values())
    orphans = types - reached

    # --- features variant ---
    cfg_before = {}  # line index -> cfg attribute (with indentation)
    for name, (a, _) in top.items():
        if name != "locations":
            cfg_before[a] = f'#[cfg(feature = "{name}")]'
    for name, (a, _) in inner.items():
        cfg_before[a] = f'    #[cfg(feature = "{name}")]'
    projects_impl = find_block(projects, "impl Projects {")
    for name, n in accessor_lines(projects, projects_impl, 4, set(top) - {"locations"}).items():
        cfg_before[n] = f'    #[cfg(feature = "{name}")]'
    if locations:
        loc_lines = projects[locations[0] : locations[1] + 1]
        a, b = find_block(loc_lines, "    impl Locations {")
        span = (a + locations[0], b + locations[0])
        for name, n in accessor_lines(projects, span, 8, set(inner)).items():
            cfg_before[n] = f'        #[cfg(feature = "{name}")]'
    new_projects = []
    for n, line in enumerate(projects):
        if n in cfg_before:
            new_projects.append(cfg_before[n])
        new_projects.append(line)

    def schema_cfg(t):
        if t in core:
            return None
        feats = sorted(f for f, s in per_feature.items() if t in s)
        if t in orphans:
            feats.append("unreferenced-schemas")
        return "#[cfg(any(" + ", ".join(f'feature = "{f}"' for f in feats) + "))]"

    def write_schemas(keep, cfg):
        out_lines = schemas[: items[0][0]]
        prev = items[0][0]
        for (a, b), o in zip(items, owners):
            if o not in keep:
                prev = b + 1
                continue
            out_lines.extend(schemas[prev:a])
            c = cfg(o)
            if c:
                out_lines.append(c)
            out_lines.extend(schemas[a : b + 1])
            prev = b + 1
        out_lines.extend(schemas[prev:])
        return "\n".join(out_lines)

    def write_crate(name, schemas_text, projects_text, features):
        dest = os.path.join(out, name)
        if os.path.exists(dest):
            shutil.rmtree(dest)
        shutil.copytree(src, os.path.join(dest, "src"))
        open(os.path.join(dest, "src", "schemas.rs"), "w").write(schemas_text)
        open(os.path.join(dest, "src", "resources", "projects.rs"), "w").write(projects_text)
        toml = (
            "# A variant of the generated crate made by bench/variants.py, for measurements only.\n"
            "[package]\n"
            f'name = "dialogflow-v2-{name}"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
            "[lib]\nname = \"dialogflow_v2_" + name + "\"\n\n"
            "[workspace]\n\n"
            "[profile.dev]\nincremental = false\n\n"
            "[dependencies]\n"
            f'discogen-runtime = {{ path = "{runtime}" }}\n'
            'serde = { version = "1", features = ["derive"] }\nserde_json = "1"\n'
        )
        if features:
            toml += "\n[features]\ndefault = [" + ", ".join(f'"{f}"' for f in features) + "]\n"
            toml += "".join(f"{f} = []\n" for f in features)
        open(os.path.join(dest, "Cargo.toml"), "w").write(toml)

    write_crate(
        "features",
        write_schemas(types, schema_cfg),
        "\n".join(new_projects),
        families + ["unreferenced-schemas"],
    )

    dropped = {t for t in orphans if OTHER_VERSIONS.match(t)}
    while True:  # never drop a type that a kept one names
        needed = set().union(*(refs[t] for t in types - dropped)) & dropped
        if not needed:
            break
        dropped -= needed
    write_crate("lean", write_schemas(types - dropped, lambda t: None), "\n".join(projects), [])

    print(f"types {len(types)}, reached by methods {len(reached)}, by none {len(orphans)}; "
          f"always on (used by lib.rs: {', '.join(sorted(always))}): {len(core)} types; "
          f"{len(families)} features: {' '.join(families)}; "
          f"lean drops {len(dropped)} types, keeps {len(types - dropped)}")


if __name__ == "__main__":
    main()
